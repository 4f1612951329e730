import Foundation
@testable import ZooRegistry

/// The store's own readers of OCI documents: `index.json` and manifests with their configs.
enum StoreTargets {
    /// Input: an `index.json`. What the store's one-pass parser accepts must be JSON Foundation
    /// accepts too, with the same manifest digests; it must print (`encoded`) to an index that
    /// parses to the same versions, tags and foreign entries, and prints to the same bytes.
    static func index(_ input: [UInt8]) {
        guard let index = try? StoreIndex(parsing: input, path: "index.json") else { return }
        guard let json = try? JSONSerialization.jsonObject(with: Data(input)) as? [String: Any] else {
            FuzzCheck.fail("the store accepts an index.json that Foundation's JSON parser refuses")
        }
        let manifests = json["manifests"] as? [[String: Any]] ?? []
        let theirs = manifests.compactMap { $0["digest"] as? String }.sorted()
        let ours = (index.foreign.map(\.digest.description) + index.versions.map(\.digest.description)
            + index.tags.map(\.digest.description)).sorted()
        FuzzCheck.require(ours == theirs, "the store and Foundation read different manifest digests")
        let printed = index.encoded()
        guard let again = try? StoreIndex(parsing: printed, path: "index.json") else {
            FuzzCheck.fail("the printed index does not parse: \(String(decoding: printed, as: UTF8.self))")
        }
        FuzzCheck.require(again.versions == index.versions, "the printed index has other versions")
        FuzzCheck.require(again.tags == index.tags, "the printed index has other tags")
        FuzzCheck.require(again.foreign.map(\.text) == index.foreign.map(\.text), "the printed index has other foreign entries")
        FuzzCheck.require(again.encoded() == printed, "printing is not stable")
    }

    /// Input: a manifest's JSON, a NUL byte, then a config's JSON (either may be missing). Both are
    /// decoded as the store decodes them; a manifest that decodes is summarised for the cache,
    /// the summary encoded and decoded again.
    static func manifest(_ input: [UInt8]) {
        let split = input.firstIndex(of: 0) ?? input.count
        let manifestBytes = Array(input[..<split])
        let configBytes = split < input.count ? Array(input[(split + 1)...]) : []
        let manifest = try? StoreJSON.decode(OCIManifest.self, from: manifestBytes, what: "manifest")
        let config = try? StoreJSON.decode(ModelConfig.self, from: configBytes, what: "config")
        if let config {
            for record in config.tensors { _ = try? record.validate() }
            _ = config.model.runnability()
            guard let printed = try? StoreJSON.encode(config),
                  let again = try? StoreJSON.decode(ModelConfig.self, from: printed, what: "config") else {
                FuzzCheck.fail("a config that decodes does not print and decode again")
            }
            FuzzCheck.require(again == config, "a printed config decodes to another config")
        }
        guard let manifest else { return }
        let lineage = try? StoreJSON.decode(ConfigLineage.self, from: configBytes, what: "config").model.lineage
        guard let summary = try? ManifestSummary(manifest: manifest, size: UInt64(manifestBytes.count), lineage: lineage) else { return }
        let digest = DigestBytes(Digest(of: manifestBytes))
        var record: [UInt8] = []
        summary.encode(digest: digest, to: &record)
        let decoded = record.withUnsafeBytes { ManifestSummary.decode($0) }
        FuzzCheck.require(decoded?.digest == digest && decoded?.summary == summary, "a summary record does not decode to itself")
    }
}
