#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a safetensors file as a stream: the header from the tensor list, then each tensor's bytes
/// in that order. Written to a temporary file and renamed into place by `finish()`.
///
/// The header is `SafetensorsHeader.serialized()`: the official writer's exact bytes when the
/// tensors come in its order (see `SafetensorsHeader.officialOrder`) and the metadata in its order.
public final class SafetensorsWriter {
    /// The header being written, offsets included.
    public let header: SafetensorsHeader
    private let path: String
    private let temporaryPath: String
    private var file: FileDescriptor?
    private var next = 0
    /// Bytes of tensor `next` written so far by `writePart`.
    private var partial = 0
    private var finished = false

    /// Starts a file at `path` holding `tensors` (name, dtype, shape) in this order; metadata keys
    /// are written in sorted order (a dictionary has no order of its own).
    public convenience init(path: String, tensors: [(name: String, dtype: DType, shape: [Int])],
                            metadata: [String: String]?) throws(FormatError) {
        let pairs = metadata.map { $0.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) } }
        try self.init(path: path, tensors: tensors, orderedMetadata: pairs)
    }

    /// Starts a file at `path` holding `tensors` in this order, with the metadata pairs in this order
    /// (nil: no `__metadata__` entry; empty: an empty one).
    public init(path: String, tensors: [(name: String, dtype: DType, shape: [Int])],
                orderedMetadata: [(key: String, value: String)]?) throws(FormatError) {
        let entries = try SafetensorsHeader.layout(tensors)
        header = SafetensorsHeader(tensors: entries, metadata: orderedMetadata)
        let headerBytes = header.serialized()
        guard headerBytes.count <= SafetensorsHeader.maxHeaderSize else {
            throw FormatError(.limitExceeded, "the header would be \(headerBytes.count) bytes, over the \(SafetensorsHeader.maxHeaderSize)-byte limit readers enforce; write fewer tensors or shorter metadata")
        }
        self.path = path
        temporaryPath = AtomicFile.temporaryPath(for: path)
        file = try FileDescriptor(creating: temporaryPath)
        let length = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(headerBytes.count) >> (8 * $0)) }
        do throws(FormatError) {
            try (length + headerBytes).withBytes { (raw) throws(FormatError) in try file?.write(raw) }
        } catch {
            abandon()
            throw error
        }
    }

    deinit { if !finished { abandon() } }

    /// Appends the next tensor's bytes (must be called once per tensor, in order). After any error
    /// the writer is finished: the temporary file is gone and the target is left as it was.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(FormatError) {
        guard !finished, next < header.tensors.count else {
            throw FormatError(.invalidArgument, "all \(header.tensors.count) tensors of \(path) are already written")
        }
        let entry = header.tensors[next]
        guard partial == 0, bytes.count == entry.dataOffsets.count else {
            abandon()
            throw FormatError(.invalidArgument, "tensor '\(entry.name)' needs \(entry.dataOffsets.count) bytes but \(bytes.count) were given")
        }
        try append(bytes)
    }

    /// Appends the next part of the current tensor's bytes, so a tensor can be written a piece at
    /// a time (in order; the parts of each tensor add up to its size). Errors as in `write`.
    public func writePart(_ bytes: UnsafeRawBufferPointer) throws(FormatError) {
        guard !finished, next < header.tensors.count else {
            throw FormatError(.invalidArgument, "all \(header.tensors.count) tensors of \(path) are already written")
        }
        let entry = header.tensors[next]
        guard bytes.count <= entry.dataOffsets.count - partial else {
            abandon()
            throw FormatError(.invalidArgument, "tensor '\(entry.name)' needs \(entry.dataOffsets.count) bytes but \(partial + bytes.count) were given")
        }
        try append(bytes)
    }

    private func append(_ bytes: UnsafeRawBufferPointer) throws(FormatError) {
        do throws(FormatError) {
            try file?.write(bytes)
        } catch {
            abandon()
            throw error
        }
        partial += bytes.count
        // A tensor of zero bytes is complete as soon as it is written (with an empty part).
        if partial == header.tensors[next].dataOffsets.count {
            next += 1
            partial = 0
        }
    }

    /// Checks every tensor was written, fsyncs and renames into place.
    public func finish() throws(FormatError) {
        guard !finished else { return }
        guard next == header.tensors.count else {
            let missing = header.tensors[next].name
            abandon()
            throw FormatError(.invalidArgument, "\(path) was finished after \(next) of \(header.tensors.count) tensors (next: '\(missing)'); nothing was written")
        }
        do throws(FormatError) {
            try file?.sync()
        } catch {
            abandon()
            throw error
        }
        finished = true
        file = nil // closes
        try AtomicFile.commit(temporaryPath: temporaryPath, finalPath: path)
    }

    /// Removes the temporary file; the target path is left as it was.
    private func abandon() {
        finished = true
        file = nil // closes
        unlink(temporaryPath)
    }
}
