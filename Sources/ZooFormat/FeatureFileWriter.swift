#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a feature file as a stream (`FeatureFile`): rows are appended in order and leave in
/// chunks of about 1 MiB, each with its CRC32, so memory stays bounded whatever the data's size.
/// The SHA-256 of every byte is computed on the way; it names the file in the store.
///
/// The file is created at `path` (which must not exist) and is the caller's to rename after
/// `finish()`; a writer dropped before `finish()` removes it.
public final class FeatureFileWriter {
    /// Where the file is being written.
    public let path: String
    /// Rows and shape the file will hold.
    public let layout: FeatureFile.Layout
    /// Kept alive as long as the writer (a store's lock held while the file is not yet in place).
    public var retained: AnyObject?
    private let file: FileDescriptor
    private var hasher = SHA256Hasher()
    private var chunk: [Float] = []
    private var written = 0
    private var bytes: UInt64 = 0
    private var finished = false

    /// Starts a file of `rows` rows of `shape` at `path`.
    public init(path: String, shape: [Int], rows: Int) throws(FormatError) {
        // Checked before anything is encoded: the layout refuses bad shapes and sizes.
        let valid = try FeatureFile.Layout(rows: rows, rowsPerChunk: 1, shape: shape, minor: FeatureFile.minor,
                                           headerLength: FeatureFile.headerLength(rank: shape.count))
        let perChunk = max(1, FeatureFile.chunkTarget / (valid.width * 4))
        let header = FeatureFile.header(rows: rows, rowsPerChunk: perChunk, shape: shape)
        layout = try FeatureFile.Layout(rows: rows, rowsPerChunk: perChunk, shape: shape, minor: FeatureFile.minor, headerLength: header.count)
        self.path = path
        file = try FileDescriptor(creating: path)
        chunk.reserveCapacity(perChunk * layout.width)
        try emit(FeatureFile.preamble(header: header) + header)
    }

    deinit {
        if !finished { unlink(path) }
    }

    /// Rows appended so far.
    public var rowsWritten: Int { written }

    /// Appends whole rows (`values.count` a multiple of the row width), in sample order.
    public func append(_ values: UnsafeBufferPointer<Float>) throws(FormatError) {
        let width = layout.width
        guard values.count % width == 0 else {
            throw FormatError(.invalidArgument, "\(values.count) values are not whole rows of \(width)")
        }
        let rows = values.count / width
        guard written + rows <= layout.rows else {
            throw FormatError(.invalidArgument, "the feature file holds \(layout.rows) rows; \(written + rows) were given")
        }
        var at = 0
        while at < values.count {
            let room = layout.rowsPerChunk * width - chunk.count
            let take = min(room, values.count - at)
            chunk.append(contentsOf: UnsafeBufferPointer(rebasing: values[at..<(at + take)]))
            at += take
            if chunk.count == layout.rowsPerChunk * width { try flushChunk() }
        }
        written += rows
    }

    /// Appends whole rows from an array.
    public func append(_ values: [Float]) throws(FormatError) {
        try values.withTypedBytes { (raw) throws(FormatError) in try append(raw.bindMemory(to: Float.self)) }
    }

    /// Writes the last chunk and fsyncs; every declared row must have been appended. Returns the
    /// file's SHA-256 (lowercase hex) and size.
    public func finish() throws(FormatError) -> (sha256: String, size: UInt64) {
        guard written == layout.rows else {
            throw FormatError(.invalidArgument, "the feature file declares \(layout.rows) rows but \(written) were appended")
        }
        if !chunk.isEmpty { try flushChunk() }
        guard bytes == layout.fileSize else {
            throw FormatError(.io, "\(path): wrote \(bytes) bytes, expected \(layout.fileSize)")
        }
        try file.sync()
        finished = true
        return (hasher.finalizeHex(), bytes)
    }

    private func flushChunk() throws(FormatError) {
        let crc = chunk.withUnsafeBytes { CRC32.checksum($0) }
        try chunk.withTypedBytes { (raw) throws(FormatError) in try emit(raw) }
        try emit(withUnsafeBytes(of: crc.littleEndian) { Array($0) })
        chunk.removeAll(keepingCapacity: true)
    }

    private func emit(_ raw: UnsafeRawBufferPointer) throws(FormatError) {
        hasher.update(raw)
        try file.write(raw)
        bytes += UInt64(raw.count)
    }

    private func emit(_ array: [UInt8]) throws(FormatError) {
        try array.withTypedBytes { (raw) throws(FormatError) in try emit(raw) }
    }
}
