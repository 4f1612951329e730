import Foundation
import ZooRegistry

/// Which repository of a registry each blob was last seen in, kept in the store's private folder
/// (`.zoo/blob-locations.json`), so a push can ask the registry to mount a blob from there
/// instead of sending it again (as Docker's and containers/image's blob-info caches do). Only a
/// hint: a wrong entry costs one refused mount, then an ordinary upload.
struct BlobLocations {
    let path: String
    /// registry -> digest -> repository.
    private(set) var entries: [String: [String: String]] = [:]

    /// Most blobs remembered per registry.
    static let limit = 100_000

    init(store: Store) {
        path = store.root + "/.zoo/blob-locations.json"
        if let data = try? Data(contentsOf: URL(fileURLWithPath: path)), data.count < 64 << 20,
           let decoded = try? JSONDecoder().decode([String: [String: String]].self, from: data) {
            entries = decoded
        }
    }

    /// Another repository of `registry` that had `digest`, if one is known.
    func repository(of digest: Digest, in registry: String, otherThan repository: String) -> String? {
        guard let r = entries[registry]?[digest.description], r != repository,
              RegistryReference.repositoryProblem(r) == nil else { return nil }
        return r
    }

    /// Records that `repository` of `registry` has these blobs.
    mutating func record(_ digests: [Digest], in registry: String, repository: String) {
        var map = entries[registry] ?? [:]
        for d in digests { map[d.description] = repository }
        if map.count > BlobLocations.limit {
            for key in map.keys.sorted().prefix(map.count - BlobLocations.limit) { map[key] = nil }
        }
        entries[registry] = map
    }

    /// Writes the file atomically; failures are ignored (it is only a hint).
    func save() {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(entries) else { return }
        try? data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
