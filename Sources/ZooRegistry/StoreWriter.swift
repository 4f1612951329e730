import ZooFormat
import ZooModel

/// Writes one new version: tensors are added as encoded streams (stored once per distinct
/// content), reused from existing versions (no bytes written), or encoded from raw bytes; then
/// `commit` writes config and manifest and adds the version to `index.json`. To write many
/// versions with one index update, `stage` each one and `commitStaged` at the end.
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
    /// The index read when the writer started; `commitStaged` reuses its parse if it is unchanged.
    private let startIndex: Store.IndexSnapshot

    /// Starts a version in `store`; checks `index.json` is readable first, so a damaged store is
    /// refused before anything is written.
    public init(store: Store) throws(StoreError) {
        self.store = store
        startIndex = try store.readIndexSnapshot()
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

    /// Encodes and adds `tensors` in order, as `addTensor` would one by one, but small ones (under
    /// `CheckpointWriter.aloneFromBytes`) several at a time on all cores, in batches of at most
    /// `CheckpointWriter.batchBytes` (their streams wait in memory for their blobs). The caller
    /// bounds the memory `tensors` themselves hold.
    public func addTensors(_ tensors: [PendingTensor], codec: Codec, level: Int = 6) throws(StoreError) {
        for range in CheckpointWriter.batches(sizes: tensors.map(\.bytes.count)) {
            let first = tensors[range.lowerBound]
            if first.bytes.count >= CheckpointWriter.aloneFromBytes {
                _ = try first.bytes.withUnsafeBytes { (raw) throws(StoreError) in
                    try addTensor(name: first.name, dtype: first.dtype, shape: first.shape, raw: raw, codec: codec, level: level)
                }
                continue
            }
            for result in TensorCodec.encodeConcurrently(Array(tensors[range]), codec: codec, level: level) {
                let record: TensorRecord, stream: [UInt8]
                switch result {
                case .success(let encoded): (record, stream) = encoded
                case .failure(let error): throw StoreError(error)
                }
                let added: Result<Void, StoreError> = stream.withUnsafeBytes { bytes in
                    Result { () throws(StoreError) in try addEncoded(record: record, stream: bytes) }
                }
                try added.get()
            }
        }
    }

    /// A version whose config and manifest are written, waiting for `commitStaged`.
    private struct Staged {
        var name: String
        var tag: String?
        var manifest: OCIDescriptor
        var config: ModelConfig
        var parent: Digest?
        var operation: String?
    }

    private var staged: [Staged] = []

    /// Writes config and manifest and adds the version `name:N` to the index, N one more than the
    /// highest version `name` ever had; with `tag`, points `name:tag` at it.
    @discardableResult
    public func commit(name: String, tag: String? = nil, metadata: [String: String]?,
                       model: ModelDescription) throws(StoreError) -> ModelVersion {
        guard staged.isEmpty else {
            throw StoreError(.invalidArgument, "this writer has staged versions; commit them with commitStaged()")
        }
        try stage(name: name, tag: tag, metadata: metadata, model: model)
        guard let version = try commitStaged().first else {
            throw StoreError(.invalidArgument, "nothing was committed")
        }
        return version
    }

    /// Writes config and manifest of the tensors added so far as a version of `name` (tagged
    /// `tag`), to be added to the index by `commitStaged`, and starts an empty next version.
    /// Returns the manifest digest, which a later version's lineage may name as its parent.
    /// Staging many versions and committing them once costs one index update, not one each.
    @discardableResult
    public func stage(name: String, tag: String? = nil, metadata: [String: String]?,
                      model: ModelDescription) throws(StoreError) -> Digest {
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
        let metadataBefore = newMetadataBytes
        let manifestDescriptor = try writeSmallBlob(try StoreJSON.encode(manifest), mediaType: MediaType.manifest)
        // Before the index names it, so du and gc find its summary (a crash leaves a harmless
        // record). A manifest that was in the store already had its summary cached then.
        if newMetadataBytes - metadataBefore >= UInt64(manifestDescriptor.size) {
            store.cacheSummary(of: manifest, digest: manifestDescriptor.digest, size: manifestDescriptor.size, lineage: model.lineage)
        }
        staged.append(Staged(name: name, tag: tag, manifest: manifestDescriptor, config: config, parent: parent,
                             operation: model.lineage?.operation))
        tensors = []
        layers = []
        names = []
        return manifestDescriptor.digest
    }

    /// Adds every staged version to the index in one atomic update, in the order staged (two of
    /// one name get consecutive numbers), and ends the writer. Returns them as `list` shows them.
    public func commitStaged() throws(StoreError) -> [ModelVersion] {
        guard gcLock != nil else { throw StoreError(.invalidArgument, "this writer has committed already") }
        try DiskIO.fsyncDirectory(store.blobDirectory)
        let pending = staged
        let now = Store.now()
        let committed = try store.updateIndex(reusing: startIndex) { (index: inout StoreIndex) throws(StoreError) -> [ModelVersion] in
            var references: [String] = []
            for s in pending {
                let last = index.lastVersion[s.name] ?? 0
                guard last < ModelReference.maxVersion else {
                    throw StoreError(.invalidArgument, "\(s.name) has reached version \(last), the highest there can be; use another name")
                }
                let entry = ModelVersion(
                    name: s.name, version: last + 1, tags: [], digest: s.manifest.digest,
                    manifestSize: s.manifest.size, parameters: s.config.parameterCount,
                    rawBytes: s.config.rawBytes, storedBytes: s.config.storedBytes, tensorCount: s.config.tensors.count,
                    created: now, parent: s.parent, operation: s.operation)
                index.versions.append(entry)
                index.lastVersion[s.name] = entry.version
                references.append(entry.reference)
                if let tag = s.tag {
                    index.tags.removeAll { $0.name == s.name && $0.tag == tag }
                    index.tags.append(.init(name: s.name, tag: tag, digest: entry.digest, mediaType: MediaType.manifest,
                                            size: entry.manifestSize))
                }
            }
            // The listed form carries the tags the index gives it.
            index.refreshTags()
            let wanted = Set(references)
            return index.versions.suffix(pending.count).filter { wanted.contains($0.reference) }
        }
        staged = []
        gcLock?.unlock()
        gcLock = nil
        return committed
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
