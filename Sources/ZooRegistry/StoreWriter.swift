import ZooFormat
import ZooModel

/// Writes one new version: tensors are added as encoded streams (stored once per distinct
/// content), reused from existing versions (no bytes written), or encoded from raw bytes; then
/// `commit` writes config and manifest and adds the version to `index.json`.
///
/// Holds the store's gc lock shared from creation to `commit` (or deinit), so `gc` cannot remove
/// a blob this writer has written but not yet referenced (formats/store.md, "Locking").
public final class StoreWriter {
    /// The store written to.
    public let store: Store
    /// Tensor records added so far, in layer order.
    public private(set) var tensors: [TensorRecord] = []
    /// Layer descriptors added so far, one per tensor.
    public private(set) var layers: [OCIDescriptor] = []
    /// Bytes of blobs this writer added to the store (not there before).
    public private(set) var newBlobBytes: UInt64 = 0
    /// Bytes of tensor streams that were in the store already.
    public private(set) var reusedBlobBytes: UInt64 = 0
    /// Bytes of the config and manifest `commit` added (zero when an identical version exists).
    public private(set) var newMetadataBytes: UInt64 = 0
    private var names = Set<String>()
    private var gcLock: FileLock?

    /// Starts a version in `store`; checks `index.json` is readable first, so a damaged store is
    /// refused before anything is written.
    public init(store: Store) throws(StoreError) {
        self.store = store
        _ = try store.readIndex()
        try store.makePrivateDirectories()
        gcLock = try FileLock(path: store.gcLockPath, exclusive: false)
    }

    private func checkNew(_ name: String) throws(StoreError) {
        guard names.insert(name).inserted else {
            throw StoreError(.invalidArgument, "tensor \(name) is added twice")
        }
    }

    private func append(_ record: TensorRecord, digest: Digest, isNew: Bool) {
        var r = record
        r.offset = nil
        tensors.append(r)
        layers.append(OCIDescriptor(mediaType: MediaType.tensor(r.codec), digest: digest, size: Int64(r.storedBytes),
                                    annotations: [
                                        AnnotationKey.tensorName: r.name,
                                        AnnotationKey.tensorDType: r.dtype.rawValue,
                                        AnnotationKey.tensorShape: r.shape.map(String.init).joined(separator: ","),
                                        AnnotationKey.tensorCodec: r.codec.rawValue,
                                    ]))
        if isNew { newBlobBytes += r.storedBytes } else { reusedBlobBytes += r.storedBytes }
    }

    /// Adds a tensor whose encoded stream is `stream` (as a `.zckpt` holds it): hashed, and written
    /// only when the store does not have these bytes yet.
    public func addEncoded(record: TensorRecord, stream: UnsafeRawBufferPointer) throws(StoreError) {
        try checkNew(record.name)
        guard UInt64(stream.count) == record.storedBytes else {
            throw StoreError(.invalidArgument, "tensor \(record.name): stream is \(stream.count) bytes, record says \(record.storedBytes)")
        }
        let digest = Digest(of: stream)
        if DiskIO.fileSize(store.blobPath(digest)) == UInt64(stream.count) {
            append(record, digest: digest, isNew: false)
            return
        }
        let sink = try BlobSink(store: store)
        try sink.write(stream)
        let (written, isNew) = try sink.finish(into: store)
        append(record, digest: written, isNew: isNew)
    }

    /// Adds a tensor that is already a blob of the store (from another version): nothing is written.
    public func reuse(record: TensorRecord, blob digest: Digest) throws(StoreError) {
        try checkNew(record.name)
        guard let size = DiskIO.fileSize(store.blobPath(digest)) else {
            throw StoreError(.corrupt, "tensor \(record.name): blob \(digest) is not in the store")
        }
        guard size == record.storedBytes else {
            throw StoreError(.corrupt, "tensor \(record.name): blob \(digest) is \(size) bytes, record says \(record.storedBytes)")
        }
        append(record, digest: digest, isNew: false)
    }

    /// Encodes a tensor from its raw bytes with `codec`, streaming the stored bytes into a blob.
    @discardableResult
    public func addTensor(name: String, dtype: DType, shape: [Int], raw: UnsafeRawBufferPointer,
                          codec: Codec, level: Int = 6) throws(StoreError) -> TensorRecord {
        try checkNew(name)
        let sink = try BlobSink(store: store)
        var sinkError: StoreError?
        let record: TensorRecord
        do throws(FormatError) {
            record = try TensorCodec.encode(name: name, dtype: dtype, shape: shape, raw: raw, codec: codec, level: level) {
                (bytes: UnsafeRawBufferPointer) throws(FormatError) in
                do throws(StoreError) { try sink.write(bytes) } catch {
                    sinkError = error
                    throw FormatError(.io, error.message)
                }
            }
        } catch {
            throw sinkError ?? StoreError(error)
        }
        guard record.storedBytes == sink.size else {
            throw StoreError(.format, "tensor \(name): encoder reported \(record.storedBytes) stored bytes but wrote \(sink.size)")
        }
        let (digest, isNew) = try sink.finish(into: store)
        append(record, digest: digest, isNew: isNew)
        return record
    }

    @discardableResult
    /// Writes config and manifest and adds the version `name:N` to the index, N one more than the
    /// highest version `name` ever had; with `tag`, points `name:tag` at it.
    public func commit(name: String, tag: String? = nil, metadata: [String: String]?,
                       model: ModelDescription) throws(StoreError) -> ModelVersion {
        try ModelReference.validateName(name)
        if let tag { try ModelReference.validateTag(tag) }
        guard gcLock != nil else { throw StoreError(.invalidArgument, "this writer has committed already") }
        var parent: Digest?
        if let p = model.lineage?.parent {
            do { parent = try Digest(parsing: p) } catch {
                throw StoreError(.invalidArgument, "lineage parent '\(p)' is not a sha256 digest")
            }
        }
        let config = ModelConfig(tensors: tensors, metadata: metadata, model: model)
        let configDescriptor = try writeSmallBlob(try StoreJSON.encode(config), mediaType: MediaType.modelConfig)
        // Name, version and time live in index.json only: the manifest depends on content and
        // lineage alone, so the same operation on the same inputs gives the same digest.
        var annotations: [String: String] = [:]
        if let parent { annotations[AnnotationKey.parent] = parent.description }
        if let op = model.lineage?.operation { annotations[AnnotationKey.operation] = op }
        let manifest = OCIManifest(config: configDescriptor, layers: layers, annotations: annotations.isEmpty ? nil : annotations)
        let manifestDescriptor = try writeSmallBlob(try StoreJSON.encode(manifest), mediaType: MediaType.manifest)
        try DiskIO.fsyncDirectory(store.blobDirectory)

        let entry = try store.updateIndex { (index: inout StoreIndex) throws(StoreError) -> ModelVersion in
            let last = index.lastVersion[name] ?? 0
            guard last < ModelReference.maxVersion else {
                throw StoreError(.invalidArgument, "\(name) has reached version \(last), the highest there can be; use another name")
            }
            let entry = ModelVersion(
                name: name, version: last + 1, tags: [], digest: manifestDescriptor.digest,
                manifestSize: manifestDescriptor.size, parameters: config.parameterCount,
                rawBytes: config.rawBytes, storedBytes: config.storedBytes, tensorCount: tensors.count,
                created: Store.now(), parent: parent, operation: model.lineage?.operation)
            index.versions.append(entry)
            index.lastVersion[name] = entry.version
            if let tag {
                index.tags.removeAll { $0.name == name && $0.tag == tag }
                index.tags.append(.init(name: name, tag: tag, digest: entry.digest, mediaType: MediaType.manifest,
                                        size: entry.manifestSize))
            }
            return entry
        }
        gcLock?.unlock()
        gcLock = nil
        // The listed form carries the tags the index gave it.
        return (try? store.list())?.first { $0.name == name && $0.version == entry.version } ?? entry
    }

    private func writeSmallBlob(_ bytes: [UInt8], mediaType: String) throws(StoreError) -> OCIDescriptor {
        let digest = Digest(of: bytes)
        if DiskIO.fileSize(store.blobPath(digest)) != UInt64(bytes.count) {
            let sink = try BlobSink(store: store)
            try DiskIO.withBytes(bytes) { (b) throws(StoreError) in try sink.write(b) }
            if try sink.finish(into: store).isNew { newMetadataBytes += UInt64(bytes.count) }
        }
        return OCIDescriptor(mediaType: mediaType, digest: digest, size: Int64(bytes.count))
    }
}
