import Foundation
import ZooFormat
import ZooModel
import ZooRegistry

/// The model `slice` and `graft` start from: a version in the store, or a `.zckpt` or
/// `.safetensors` file given by path. A file is read through a private scratch store (its streams
/// carried as they are; a safetensors file's tensors stored raw, so nothing is compressed for
/// nothing), removed when the source goes away. Its lineage parent is the file's SHA-256.
final class SurgerySource {
    let store: Store
    let manifest: OCIManifest
    let config: ModelConfig
    /// `name:N`, or the file's path.
    let name: String
    /// The parent digest recorded in the lineage (`sha256:<hex>`).
    let parentDigest: String
    /// Whether the source is a file (so there is nothing in the store to add a version next to).
    let isFile: Bool
    private let scratch: String?

    /// Whether `reference` names a model file rather than a store version.
    static func isFile(_ reference: String) -> Bool {
        CheckpointFileFormat(path: reference) != nil && FileManager.default.fileExists(atPath: reference)
    }

    init(reference: String, options: StoreOptions) throws {
        if Self.isFile(reference) {
            let dir = NSTemporaryDirectory() + "zoo-surgery-" + UUID().uuidString
            scratch = dir
            do {
                store = try Store.create(at: dir)
                let imported = try store.importFile(reference, name: "source", codec: .raw, level: 1)
                (_, manifest, config) = try store.load(try ModelReference(parsing: imported.version.reference))
            } catch {
                try? FileManager.default.removeItem(atPath: dir)
                throw error
            }
            name = reference
            parentDigest = "sha256:" + (config.model.lineage?.parameters["sha256"]?.stringValue ?? "")
            isFile = true
        } else {
            scratch = nil
            store = try options.open()
            let loaded = try store.load(try ModelReference(parsing: reference))
            (manifest, config) = (loaded.manifest, loaded.config)
            name = loaded.version.reference
            parentDigest = loaded.version.digest.description
            isFile = false
        }
    }

    /// For reports: `name:N 1a2b3c4d5e6f`, or the file's path.
    var label: String { isFile ? name : "\(name) \(parentDigest.dropFirst(7).prefix(12))" }

    deinit { if let scratch { try? FileManager.default.removeItem(atPath: scratch) } }
}
