import ZooFormat
import ZooModel

/// Takes a pull into the store (formats/store.md, "Pulling"): blobs arrive through `incoming(...)`
/// (checked before they enter `blobs/sha256/`), then `commit(manifest:...)` writes the manifest's
/// exact bytes and adds the version to `index.json` in one atomic step, as `StoreWriter` does for
/// a local write.
///
/// Holds the store's gc lock shared from creation to `close()` (or deinit), so gc cannot remove a
/// pulled blob before a manifest in the index references it.
///
/// `@unchecked Sendable`: the parallel blob downloads share it, and everything they call
/// (`incoming`, `hasBlob`) reads only immutable state; `close()` is called after they are done.
public final class PullWriter: @unchecked Sendable {
    /// The store written to.
    public let store: Store
    private var gcLock: FileLock?

    /// Starts a pull into `store`; checks `index.json` is readable first, so a damaged store is
    /// refused before anything is written.
    public init(store: Store) throws(StoreError) {
        self.store = store
        _ = try store.readIndex()
        try store.makePrivateDirectories()
        gcLock = try FileLock(path: store.gcLockPath, exclusive: false)
    }

    /// Whether the store holds blob `digest` with `size` bytes already.
    public func hasBlob(_ digest: Digest, size: Int64) -> Bool { store.hasBlob(digest, size: size) }

    /// A blob to receive: continues what an interrupted pull of the same blob left.
    public func incoming(_ digest: Digest, size: Int64) throws(StoreError) -> IncomingBlob {
        try IncomingBlob(store: store, digest: digest, size: size)
    }

    /// Adds the zoo manifest `bytes` (exactly as the registry served them, so the digest stays) as a
    /// version of `name`, tagged `tag` if given. Its config and every layer blob must be in the
    /// store already; the config must parse and match the layers. When `name` already has a version
    /// with this digest, that version is reused (a repeated pull adds nothing) and only the tag moves.
    public func commit(manifest bytes: [UInt8], name: String, tag: String? = nil) throws(StoreError) -> (version: ModelVersion, isNew: Bool) {
        try ModelReference.validateName(name)
        if let tag { try ModelReference.validateTag(tag) }
        guard gcLock != nil else { throw StoreError(.invalidArgument, "this pull is closed already") }
        guard bytes.count <= Store.manifestLimit else {
            throw StoreError(.corrupt, "the manifest is \(bytes.count) bytes, more than the \(Store.manifestLimit) allowed")
        }
        let digest = Digest(of: bytes)
        let manifest = try StoreJSON.decode(OCIManifest.self, from: bytes, what: "manifest \(digest)")
        guard manifest.schemaVersion == 2, manifest.mediaType == MediaType.manifest,
              manifest.config.mediaType == MediaType.modelConfig else {
            throw StoreError(.invalidArgument, "manifest \(digest) is not a zoo model (config media type \(manifest.config.mediaType), expected \(MediaType.modelConfig))")
        }
        guard hasBlob(manifest.config.digest, size: manifest.config.size) else {
            throw StoreError(.corrupt, "config blob \(manifest.config.digest) of manifest \(digest) is not in the store")
        }
        let config = try store.config(of: manifest)
        for (record, layer) in zip(config.tensors, manifest.layers) where !hasBlob(layer.digest, size: layer.size) {
            throw StoreError(.corrupt, "tensor \(record.name): blob \(layer.digest) of manifest \(digest) is not in the store")
        }
        var parent: Digest?
        if let p = manifest.annotations?[AnnotationKey.parent] {
            do { parent = try Digest(parsing: p) } catch {
                throw StoreError(.corrupt, "manifest \(digest) names parent '\(p)', which is not a sha256 digest")
            }
        }
        if !hasBlob(digest, size: Int64(bytes.count)) {
            let sink = try BlobSink(store: store)
            try DiskIO.withBytes(bytes) { (b) throws(StoreError) in try sink.write(b) }
            _ = try sink.finish(into: store)
        }
        // Pulled blobs were fsynced one by one; their names become durable here, before the index
        // that references them.
        try DiskIO.fsyncDirectory(store.blobDirectory)
        let operation = manifest.annotations?[AnnotationKey.operation]
        let result = try store.updateIndex { (index: inout StoreIndex) throws(StoreError) -> (ModelVersion, Bool) in
            var isNew = false
            var entry: ModelVersion
            if let existing = index.versions.first(where: { $0.name == name && $0.digest == digest }) {
                entry = existing
            } else {
                let last = index.lastVersion[name] ?? 0
                guard last < ModelReference.maxVersion else {
                    throw StoreError(.invalidArgument, "\(name) has reached version \(last), the highest there can be; use another name")
                }
                entry = ModelVersion(
                    name: name, version: last + 1, tags: [], digest: digest, manifestSize: Int64(bytes.count),
                    parameters: config.parameterCount, rawBytes: config.rawBytes, storedBytes: config.storedBytes,
                    tensorCount: manifest.layers.count, created: Store.now(), parent: parent, operation: operation)
                index.versions.append(entry)
                index.lastVersion[name] = entry.version
                isNew = true
            }
            if let tag {
                index.tags.removeAll { $0.name == name && $0.tag == tag }
                index.tags.append(.init(name: name, tag: tag, digest: digest, mediaType: MediaType.manifest,
                                        size: entry.manifestSize))
            }
            return (entry, isNew)
        }
        let listed = (try? store.list())?.first { $0.name == name && $0.version == result.0.version } ?? result.0
        return (listed, result.1)
    }

    /// Releases the gc lock; partial files of blobs that did not finish stay for the next pull.
    public func close() {
        gcLock?.unlock()
        gcLock = nil
    }

    deinit { close() }
}
