#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a `.zckpt` file as a stream: tensors one after another, then the index and footer.
/// Writes go to a temporary file beside the target, which `finish()` fsyncs and renames into place;
/// a writer dropped before `finish()` removes its temporary file (formats/zckpt-v1.md, §12 "Writing a file").
public final class CheckpointWriter {
    /// The string metadata written into the index.
    public var metadata: [String: String] = [:]
    /// The model description written into the index.
    public var model: JSONValue?
    /// Where the file appears when `finish()` succeeds.
    public let path: String
    /// The temporary file written until then (hidden, in the target's directory).
    public let temporaryPath: String

    private var file: FileDescriptor?
    private var position: UInt64 = 0
    private var records: [TensorRecord] = []
    private var names = Set<String>()
    private var buffer: [UInt8] = []
    private var failure: FormatError?
    private static let bufferSize = 1 << 20

    /// Starts a file that will appear at `path` when `finish()` succeeds.
    public init(path: String) throws(FormatError) {
        self.path = path
        guard !path.isEmpty, !path.hasSuffix("/") else {
            throw FormatError(.invalidArgument, "'\(path)' names a directory; give a file name")
        }
        temporaryPath = AtomicFile.temporaryPath(for: path)
        file = try FileDescriptor(creating: temporaryPath)
        buffer.reserveCapacity(Self.bufferSize)
        try append(CheckpointLayout.preamble(.current))
    }

    deinit {
        if file != nil {
            file = nil
            unlink(temporaryPath)
        }
    }

    /// Encodes and appends a tensor from its raw bytes.
    @discardableResult
    public func addTensor(name: String, dtype: DType, shape: [Int], raw: UnsafeRawBufferPointer,
                          codec: Codec, level: Int = 6) throws(FormatError) -> TensorRecord {
        try addTensor(name: name, dtype: dtype, shape: shape, raw: raw, codec: codec, level: level,
                      chunkSize: TensorCodec.defaultChunkSize)
    }

    /// `addTensor` with a chosen chunk size (any size up to the spec's cap is valid).
    @discardableResult
    public func addTensor(name: String, dtype: DType, shape: [Int], raw: UnsafeRawBufferPointer,
                          codec: Codec, level: Int, chunkSize: Int) throws(FormatError) -> TensorRecord {
        try checkCanAdd(name)
        try align()
        let offset = position
        var record: TensorRecord
        do throws(FormatError) {
            record = try TensorCodec.encode(name: name, dtype: dtype, shape: shape, raw: raw, codec: codec,
                                            level: level, chunkSize: chunkSize) { (bytes) throws(FormatError) in
                try self.append(bytes)
            }
        } catch {
            // Part of the stream may be written: the file cannot be finished consistently.
            if position != offset { failure = error }
            throw error
        }
        record.offset = offset
        records.append(record)
        names.insert(name)
        return record
    }

    /// Appends an already encoded stream as it is (no re-encoding); `record` describes it.
    /// The record is validated and every chunk's CRC checked, so corrupt data is not carried on.
    public func addEncoded(record: TensorRecord, stream: UnsafeRawBufferPointer) throws(FormatError) {
        try checkCanAdd(record.name)
        try record.validate()
        guard UInt64(stream.count) == record.storedBytes else {
            throw FormatError(.invalidArgument, "tensor '\(record.name)': the stream has \(stream.count) bytes but the record says \(record.storedBytes)")
        }
        for (i, chunk) in record.chunks.enumerated() {
            let piece = UnsafeRawBufferPointer(rebasing: stream[Int(chunk.offset)..<Int(chunk.offset + chunk.storedLength)])
            let crc = CRC32.checksum(piece)
            guard crc == chunk.crc32 else {
                throw FormatError(.checksumMismatch, "tensor '\(record.name)' chunk \(i): CRC32 of the stored bytes is \(TensorCodec.hex32(crc)) but the record says \(TensorCodec.hex32(chunk.crc32)); the source is corrupt")
            }
        }
        try place(record, stream: stream)
    }

    /// Appends a stream this process has just encoded (name checked by the caller, CRCs known
    /// good); returns the record with its offset.
    @discardableResult
    func place(_ record: TensorRecord, stream: UnsafeRawBufferPointer) throws(FormatError) -> TensorRecord {
        try align()
        var placed = record
        placed.offset = position
        try append(stream)
        records.append(placed)
        names.insert(record.name)
        return placed
    }

    /// Writes index and footer, fsyncs, and renames the file into place.
    public func finish() throws(FormatError) {
        if let failure { throw failure }
        guard file != nil else {
            throw FormatError(.invalidArgument, "\(path): the writer has already finished")
        }
        do throws(FormatError) {
            let index = CheckpointIndex(tensors: records, metadata: metadata, model: model)
            try index.validate()
            let json = try index.jsonBytes()
            guard json.count <= FormatLimits.maxIndexBytes else {
                throw FormatError(.limitExceeded, "the index would be \(json.count) bytes; the limit is \(FormatLimits.maxIndexBytes); split the model into several files")
            }
            let footer = CheckpointLayout.Footer(indexOffset: position, indexLength: UInt64(json.count),
                                                 indexCRC32: CRC32.checksum(json), version: .current)
            try append(json)
            try append(CheckpointLayout.footer(footer))
            try flush()
            try file?.sync()
            file = nil // closes
            try AtomicFile.commit(temporaryPath: temporaryPath, finalPath: path)
        } catch {
            failure = error
            throw error
        }
    }

    func checkCanAdd(_ name: String) throws(FormatError) {
        if let failure { throw failure }
        guard file != nil else {
            throw FormatError(.invalidArgument, "\(path): the writer has finished; start a new one")
        }
        guard !names.contains(name) else {
            throw FormatError(.invalidArgument, "tensor '\(name)' was already added; names must be unique")
        }
        guard records.count < FormatLimits.maxTensors else {
            throw FormatError(.limitExceeded, "a file holds at most \(FormatLimits.maxTensors) tensors")
        }
    }

    /// Pads with zeros to the next stream alignment (spec §2.2 "Stream layout").
    private func align() throws(FormatError) {
        let alignment = UInt64(FormatLimits.streamAlignment)
        let pad = Int((alignment - position % alignment) % alignment)
        if pad > 0 { try append([UInt8](repeating: 0, count: pad)) }
    }

    private func append(_ bytes: [UInt8]) throws(FormatError) {
        try bytes.withBytes { (raw) throws(FormatError) in try append(raw) }
    }

    private func append(_ bytes: UnsafeRawBufferPointer) throws(FormatError) {
        if buffer.count + bytes.count > Self.bufferSize { try flush() }
        if bytes.count >= Self.bufferSize {
            try writeOut(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
        position += UInt64(bytes.count)
    }

    private func flush() throws(FormatError) {
        guard !buffer.isEmpty else { return }
        try buffer.withBytes { (raw) throws(FormatError) in try writeOut(raw) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeOut(_ bytes: UnsafeRawBufferPointer) throws(FormatError) {
        do throws(FormatError) {
            guard file != nil else { throw FormatError(.invalidArgument, "\(path): the writer has finished") }
            try file?.write(bytes)
        } catch {
            failure = error
            throw error
        }
    }
}
