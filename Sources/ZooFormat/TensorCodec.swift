import Foundation

/// Encodes a tensor's raw bytes into its stream of independent chunks and back
/// (formats/zckpt-v1.md, §5 "Codecs" and §6 "Chunk table").
public enum TensorCodec {
    /// Raw bytes per chunk (256 KiB); the last chunk of a tensor may be shorter. Small enough that
    /// a tensor of a few hundred kilobytes still spreads over the cores, large enough that the plane
    /// headers cost nothing (each chunk's Huffman plane is one 64 KiB block either way).
    public static let defaultChunkSize = 1 << 18

    /// Encodes `raw` chunk by chunk on all cores, handing the stored bytes to `write` in stream
    /// order, and returns the tensor's record (offset nil). Peak memory is a few chunks per core.
    /// `write` is called from whichever worker thread is next in order, never two at once.
    public static func encode(
        name: String, dtype: DType, shape: [Int], raw: UnsafeRawBufferPointer,
        codec: Codec, level: Int = 6, chunkSize: Int = defaultChunkSize,
        write: (UnsafeRawBufferPointer) throws(FormatError) -> Void
    ) throws(FormatError) -> TensorRecord {
        try encode(name: name, dtype: dtype, shape: shape, raw: raw, codec: codec, level: level,
                   chunkSize: chunkSize, workers: defaultWorkers, write: write)
    }

    /// `encode` with an explicit number of worker threads (tests compare 1 with many).
    static func encode(
        name: String, dtype: DType, shape: [Int], raw: UnsafeRawBufferPointer,
        codec: Codec, level: Int, chunkSize: Int, workers requestedWorkers: Int,
        write: (UnsafeRawBufferPointer) throws(FormatError) -> Void
    ) throws(FormatError) -> TensorRecord {
        let elements = try TensorRecord.checkedElementCount(shape: shape, name: name)
        let width = dtype.byteWidth
        guard elements * UInt64(width) == UInt64(raw.count) else {
            throw FormatError(.invalidArgument, "tensor '\(name)': shape \(shape) of \(dtype.rawValue) needs \(elements * UInt64(width)) bytes, but \(raw.count) were given")
        }
        guard (1...9).contains(level) else {
            throw FormatError(.invalidArgument, "compression level \(level) is out of range; use 1 (fastest) to 9 (smallest)")
        }
        guard chunkSize >= width, chunkSize <= FormatLimits.maxChunkRawBytes else {
            throw FormatError(.invalidArgument, "chunk size \(chunkSize) is out of range; use \(width) to \(FormatLimits.maxChunkRawBytes) bytes")
        }
        let chunk = chunkSize - chunkSize % width
        let total = raw.count
        let chunkCount = (total + chunk - 1) / chunk
        // Hashing and writing run beside the encoding, so a single chunk can use two threads; below
        // 64 KiB that is not worth waking a thread for.
        let workers = total < 1 << 16 ? 1 : max(1, min(requestedWorkers, chunkCount + 1))
        let slots = min(chunkCount, 4 * workers)

        var workspaces: [ChunkWorkspace] = []
        defer { WorkspacePool.shared.give(workspaces) }
        for _ in 0..<workers { workspaces.append(try WorkspacePool.shared.take(reservingScratch: chunk)) }
        var outputs: [ChunkWorkspace] = []
        defer { WorkspacePool.shared.give(outputs) }
        if codec != .raw {
            for _ in 0..<slots { outputs.append(try WorkspacePool.shared.take(reservingOutput: chunk)) }
        }
        let pipeline = EncodePipeline(chunkCount: chunkCount, slots: slots)
        var hasher = SHA256Hasher()
        var chunks: [ChunkRecord] = []
        chunks.reserveCapacity(chunkCount)
        var storedOffset: UInt64 = 0
        func piece(_ i: Int) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(rebasing: raw[(i * chunk)..<min(total, (i + 1) * chunk)])
        }
        Parallel.run(workers) { w in
            pipeline.work(
                encode: { (i) throws(FormatError) -> (UnsafeRawBufferPointer, UInt32) in
                    let output = codec == .raw ? UnsafeMutableRawBufferPointer(start: nil, count: 0) : outputs[i % slots].output
                    let stored = try ChunkCodec.encode(piece(i), dtype: dtype, codec: codec, level: Int32(level),
                                                       workspace: workspaces[w], into: output)
                    return (stored, CRC32.checksum(stored))
                },
                write: { (i, stored, crc) throws(FormatError) in
                    let bytes = piece(i)
                    hasher.update(bytes)
                    try write(stored)
                    chunks.append(ChunkRecord(offset: storedOffset, storedLength: UInt64(stored.count),
                                              rawLength: UInt64(bytes.count), crc32: crc))
                    storedOffset += UInt64(stored.count)
                })
        }
        if let failure = pipeline.failure { throw failure }
        return TensorRecord(name: name, dtype: dtype, shape: shape, codec: codec, rawBytes: UInt64(total),
                            storedBytes: storedOffset, sha256: hasher.finalizeHex(), chunks: chunks)
    }

    /// Decodes `stream` (the tensor's stored bytes) into `output` (exactly `record.rawBytes` long),
    /// checking every chunk's CRC32 and bounds; with `checkDigest` also the SHA-256 of the result.
    public static func decode(
        record: TensorRecord, stream: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
        checkDigest: Bool = false
    ) throws(FormatError) {
        try decode(record: record, stream: stream, into: output, checkDigest: checkDigest, workers: defaultWorkers)
    }

    /// `decode` with an explicit number of worker threads (tests compare 1 with many).
    static func decode(
        record: TensorRecord, stream: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
        checkDigest: Bool, workers requestedWorkers: Int
    ) throws(FormatError) {
        try decode([TensorDecoding(record: record, stream: stream, output: output)], checkDigest: checkDigest,
                   workers: requestedWorkers)
    }

    /// Decodes the chunks `range` of a validated `record` into `output` (exactly their raw bytes),
    /// on up to `workers` threads, checking each chunk's CRC32; throws the failure of the lowest chunk.
    static func decode(
        record: TensorRecord, chunks range: Range<Int>, stream: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer, workers requestedWorkers: Int
    ) throws(FormatError) {
        try decodeChunks([ChunkSpan(record: record, chunks: range, stream: stream, output: output)], workers: requestedWorkers)
    }

    /// Consecutive chunks of one validated tensor and the buffer of exactly their raw bytes.
    struct ChunkSpan {
        var record: TensorRecord
        var chunks: Range<Int>
        var stream: UnsafeRawBufferPointer
        var output: UnsafeMutableRawBufferPointer
    }

    /// Decodes the chunks of every span as one list of work on up to `workers` threads (so many
    /// small tensors keep every core busy, as one large one does), checking each chunk's CRC32;
    /// throws the failure of the lowest chunk of the lowest span that failed.
    static func decodeChunks(_ spans: [ChunkSpan], workers requestedWorkers: Int) throws(FormatError) {
        // Each chunk: its span, its index in the record, and its offset in the span's output.
        var work: [(span: Int, chunk: Int, rawOffset: Int)] = []
        work.reserveCapacity(spans.reduce(0) { $0 + $1.chunks.count })
        for (s, span) in spans.enumerated() {
            // The record was validated, so these conversions and sums cannot overflow.
            var offset = 0
            for c in span.chunks {
                work.append((s, c, offset))
                offset += Int(span.record.chunks[c].rawLength)
            }
            guard offset == span.output.count else {
                throw FormatError(.invalidArgument, "tensor '\(span.record.name)': the output buffer has \(span.output.count) bytes, chunks \(span.chunks) \(offset)")
            }
        }
        let n = work.count
        guard n > 0 else { return }
        let workers = max(1, min(requestedWorkers, n))
        var workspaces: [ChunkWorkspace] = []
        defer { WorkspacePool.shared.give(workspaces) }
        for _ in 0..<workers { workspaces.append(try WorkspacePool.shared.take()) }
        let failures = UnsafeMutableBufferPointer<(item: Int, error: FormatError)?>.allocate(capacity: workers)
        failures.initialize(repeating: nil)
        defer {
            failures.deinitialize()
            failures.deallocate()
        }
        Parallel.forEach(n, workers: workers) { w, k in
            let (s, c, rawOffset) = work[k]
            let span = spans[s]
            do throws(FormatError) {
                let chunk = span.record.chunks[c]
                let start = Int(chunk.offset)
                let stored = UnsafeRawBufferPointer(rebasing: span.stream[start..<(start + Int(chunk.storedLength))])
                let crc = CRC32.checksum(stored)
                guard crc == chunk.crc32 else {
                    throw FormatError(.checksumMismatch, "tensor '\(span.record.name)' chunk \(c): CRC32 of the stored bytes is \(hex32(crc)) but the index says \(hex32(chunk.crc32)); the file is corrupt, restore it from its source")
                }
                let target = UnsafeMutableRawBufferPointer(rebasing: span.output[rawOffset..<(rawOffset + Int(chunk.rawLength))])
                try ChunkCodec.decode(stored, into: target, dtype: span.record.dtype, codec: span.record.codec,
                                      workspace: workspaces[w], context: "tensor '\(span.record.name)' chunk \(c)")
                return true
            } catch {
                failures[w] = (k, error)
                return false
            }
        }
        if let failure = failures.compactMap({ $0 }).min(by: { $0.item < $1.item }) {
            throw failure.error
        }
    }

    /// Raw bytes decoded at a time by `decodeInPieces` (and so by verification and conversion).
    public static let defaultPieceBytes = 16 << 20

    /// Decodes a tensor's stream in order, a piece at a time: whole consecutive chunks of at most
    /// `pieceBytes` raw bytes (or one larger chunk), handing each piece's raw bytes to `body` (valid
    /// during the call only). Memory follows the chunks as they verify, whatever the record claims:
    /// one piece and the workers' plane scratch. With `checkDigest` the SHA-256 of all pieces is
    /// checked at the end (after the last piece has been handed over).
    public static func decodeInPieces(
        record: TensorRecord, stream: UnsafeRawBufferPointer, checkDigest: Bool = false,
        pieceBytes: Int = defaultPieceBytes,
        _ body: (UnsafeRawBufferPointer) throws(FormatError) -> Void
    ) throws(FormatError) {
        try decodeInPieces(record: record, stream: stream, checkDigest: checkDigest, pieceBytes: pieceBytes,
                           workers: defaultWorkers, body)
    }

    /// `decodeInPieces` with an explicit number of worker threads.
    static func decodeInPieces(
        record: TensorRecord, stream: UnsafeRawBufferPointer, checkDigest: Bool, pieceBytes: Int, workers: Int,
        _ body: (UnsafeRawBufferPointer) throws(FormatError) -> Void
    ) throws(FormatError) {
        try record.validate()
        guard UInt64(stream.count) == record.storedBytes else {
            throw FormatError(.malformed, "tensor '\(record.name)': its stream has \(stream.count) bytes but the record says \(record.storedBytes)")
        }
        var buffer = UnsafeMutableRawBufferPointer(start: nil, count: 0)
        defer { buffer.deallocate() }
        var hasher = SHA256Hasher()
        var first = 0
        while first < record.chunks.count {
            var end = first
            var raw = 0
            // Validated: every raw length is at most 16 MiB, so the sum stays small.
            while end < record.chunks.count, end == first || raw + Int(record.chunks[end].rawLength) <= pieceBytes {
                raw += Int(record.chunks[end].rawLength)
                end += 1
            }
            if buffer.count < raw {
                buffer.deallocate()
                buffer = .allocate(byteCount: raw, alignment: 64)
            }
            let piece = UnsafeMutableRawBufferPointer(rebasing: buffer[..<raw])
            try decode(record: record, chunks: first..<end, stream: stream, into: piece, workers: workers)
            if checkDigest { hasher.update(UnsafeRawBufferPointer(piece)) }
            try body(UnsafeRawBufferPointer(piece))
            first = end
        }
        if checkDigest {
            let digest = hasher.finalizeHex()
            guard digest == record.sha256 else {
                throw FormatError(.checksumMismatch, "tensor '\(record.name)': SHA-256 of the decoded bytes is \(digest) but the index says \(record.sha256); the file is corrupt, restore it from its source")
            }
        }
    }

    /// Decodes a whole tensor into a new array. A tensor of up to `defaultPieceBytes` is decoded in
    /// place; a larger one grows its array piece by piece as its chunks verify, so a record that
    /// claims more than its chunks hold fails before the memory it claims is allocated.
    public static func decode(record: TensorRecord, stream: UnsafeRawBufferPointer,
                              checkDigest: Bool = false) throws(FormatError) -> [UInt8] {
        try record.validate()
        if record.rawBytes <= UInt64(defaultPieceBytes) {
            var bytes = [UInt8](repeating: 0, count: Int(record.rawBytes))
            try bytes.withMutableBytes { (out) throws(FormatError) in
                try decode(record: record, stream: stream, into: out, checkDigest: checkDigest)
            }
            return bytes
        }
        var bytes: [UInt8] = []
        try decodeInPieces(record: record, stream: stream, checkDigest: checkDigest) { (piece) throws(FormatError) in
            bytes.append(contentsOf: piece)
        }
        return bytes
    }

    /// Threads used by default: every core. Asked once: on Linux the answer reads cgroup files,
    /// tens of microseconds a call, more than encoding a small tensor takes.
    static let defaultWorkers = max(1, ProcessInfo.processInfo.activeProcessorCount)

    static func hex32(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - digits.count) + digits
    }
}
