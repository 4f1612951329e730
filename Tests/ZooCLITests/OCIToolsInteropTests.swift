import Foundation
import Testing
@testable import ZooRegistry

/// The store stays an OCI layout that skopeo (containers/image, an independent reader and writer
/// of the format) reads, and zoo keeps what skopeo writes into it.
@Suite(.serialized) struct OCIToolsInteropTests {
    static let skopeo = "/usr/bin/skopeo"

    static func skopeo(_ args: [String]) throws -> (status: Int32, out: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: skopeo)
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: skopeo), "skopeo is installed by scripts/setup.sh"))
    func skopeoReadsTheStoreAndZooKeepsWhatSkopeoWrites() throws {
        let dir = try StoreCLI.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let zoo = dir + "/zoo", source = dir + "/a.safetensors", other = dir + "/other"
        try StoreCLI.makeSafetensors([source], seeds: [4], tensors: 2, rows: 8, cols: 8)
        #expect(try StoreCLI.run(["init", zoo]).status == 0)
        #expect(try StoreCLI.run(["import", source, "m:prod", "--zoo", zoo]).status == 0)
        #expect(try StoreCLI.run(["import", source, "m", "--zoo", zoo]).status == 0)
        let digest = try Store.open(zoo).resolve("m:2").digest

        // skopeo finds versions and tags by their ref names in index.json.
        let raw = try Self.skopeo(["inspect", "--raw", "oci:\(zoo):m:2"])
        #expect(raw.status == 0, "\(raw.out)")
        #expect(Digest(of: Array(raw.out.utf8)) == digest)
        #expect(try Self.skopeo(["copy", "oci:\(zoo):m:prod", "oci:\(other):copied"]).status == 0)

        // skopeo writes into the store: it rewrites index.json its own way and adds an entry.
        let wrote = try Self.skopeo(["copy", "oci:\(other):copied", "oci:\(zoo):from-skopeo"])
        #expect(wrote.status == 0, "\(wrote.out)")
        let listed = try StoreCLI.run(["list", "--zoo", zoo])
        #expect(listed.status == 0 && listed.stdout.contains("prod"), "\(listed.stderr)")
        #expect(try StoreCLI.run(["verify", "--zoo", zoo]).status == 0)
        // skopeo's entry: an object holding one nested object (its annotations) that names the ref.
        let written = try String(contentsOfFile: zoo + "/index.json", encoding: .utf8)
        let range = try #require(written.range(of: #"\{[^{}]*\{[^{}]*"from-skopeo"[^{}]*\}[^{}]*\}"#, options: .regularExpression))
        let entry = String(written[range])
        // A zoo change keeps skopeo's entry as skopeo wrote it, and skopeo still reads both.
        #expect(try StoreCLI.run(["tag", "m:1", "m:best", "--zoo", zoo]).status == 0)
        #expect(try String(contentsOfFile: zoo + "/index.json", encoding: .utf8).contains(entry))
        #expect(try Self.skopeo(["inspect", "--raw", "oci:\(zoo):from-skopeo"]).status == 0)
        #expect(try Self.skopeo(["inspect", "--raw", "oci:\(zoo):m:best"]).status == 0)
        // Its blobs are referenced: gc keeps them.
        let gc = try StoreCLI.run(["gc", "--dry-run", "--json", "--zoo", zoo])
        let report = try #require(try StoreCLI.json(gc.stdout) as? [String: Any])
        #expect((report["blobs"] as? [String])?.isEmpty == true)
    }
}
