#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a feature file (`FeatureFile`) through an open descriptor: the header is checked when
/// opened (magic, version, CRC32, sizes, and the file's exact size), the content by `verify` or
/// `loadAll` (every chunk's CRC32 and the SHA-256 of the whole file, in one streaming pass).
/// Rows are then read at computed offsets (`readRows`).
///
/// The descriptor stays open for the reader's life, so the file it verified is the file it reads
/// even if the path is replaced or removed meanwhile (files in the store are never written in
/// place, only renamed into place and unlinked). `pread` keeps it usable from several threads.
public final class FeatureFileReader: @unchecked Sendable {
    /// The path it was opened at.
    public let path: String
    /// Rows, shape and offsets.
    public let layout: FeatureFile.Layout
    private let file: FileDescriptor

    /// Opens `path` and checks its header and size.
    public init(path: String) throws(FormatError) {
        file = try FileDescriptor(reading: path)
        self.path = path
        let size = try file.size()
        guard size >= 16 else {
            throw FormatError(size == 0 ? .truncated : .notAFile, "\(path) is \(size) bytes, too short for a feature file")
        }
        let preamble = try file.read(count: 16, at: 0)
        guard Array(preamble[0..<8]) == FeatureFile.magic else {
            throw FormatError(.notAFile, "\(path) is not a feature file (no zoofeat1 magic)")
        }
        let length = Int(preamble[8]) | Int(preamble[9]) << 8 | Int(preamble[10]) << 16 | Int(preamble[11]) << 24
        let crc = UInt32(preamble[12]) | UInt32(preamble[13]) << 8 | UInt32(preamble[14]) << 16 | UInt32(preamble[15]) << 24
        guard length >= 8, length <= FeatureFile.headerLimit else {
            throw FormatError(.malformed, "\(path): the feature file's header length \(length) is out of range")
        }
        guard UInt64(16 + length) <= size else {
            throw FormatError(.truncated, "\(path): the feature file ends inside its header")
        }
        let header = try file.read(count: length, at: 16)
        guard CRC32.checksum(header) == crc else {
            throw FormatError(.checksumMismatch, "\(path): the feature file's header fails its CRC32")
        }
        layout = try FeatureFile.parseHeader(header, path: path)
        guard size == layout.fileSize else {
            throw FormatError(size < layout.fileSize ? .truncated : .malformed,
                              "\(path) is \(size) bytes but its header implies \(layout.fileSize); the feature file is \(size < layout.fileSize ? "truncated" : "followed by extra bytes")")
        }
    }

    /// Reads the whole file once: each chunk's CRC32, and the SHA-256 of every byte against
    /// `sha256` (lowercase hex). Throws `checksumMismatch` naming what differs.
    public func verify(sha256: String) throws(FormatError) {
        try scan(sha256: sha256, into: nil)
    }

    /// Every row, row-major, checked as `verify` checks. The caller bounds the size (`layout`
    /// says it before anything is allocated).
    public func loadAll(sha256: String) throws(FormatError) -> [Float] {
        let count = layout.rows * layout.width
        var values = [Float](repeating: 0, count: count)
        try values.withTypedMutableBuffer { (out) throws(FormatError) in try scan(sha256: sha256, into: out) }
        return values
    }

    private func scan(sha256: String, into out: UnsafeMutableBufferPointer<Float>?) throws(FormatError) {
        var hasher = SHA256Hasher()
        hasher.update(try file.read(count: layout.dataOffset, at: 0))
        let rowBytes = layout.width * 4
        var buffer = [UInt8](repeating: 0, count: layout.rowsPerChunk * rowBytes + 4)
        for c in 0..<layout.chunkCount {
            let n = layout.rows(inChunk: c) * rowBytes
            let offset = layout.offset(ofChunk: c)
            try buffer.withTypedMutableBuffer { (b) throws(FormatError) in
                try pread(into: UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(b)[0..<(n + 4)]), at: offset)
            }
            let ok: Bool = buffer.withUnsafeBytes { raw in
                let data = UnsafeRawBufferPointer(rebasing: raw[0..<n])
                hasher.update(UnsafeRawBufferPointer(rebasing: raw[0..<(n + 4)]))
                let stored = UInt32(raw[n]) | UInt32(raw[n + 1]) << 8 | UInt32(raw[n + 2]) << 16 | UInt32(raw[n + 3]) << 24
                guard CRC32.checksum(data) == stored else { return false }
                if let out, let dst = out.baseAddress, let src = data.baseAddress {
                    UnsafeMutableRawPointer(dst + c * layout.rowsPerChunk * layout.width).copyMemory(from: src, byteCount: n)
                }
                return true
            }
            guard ok else {
                throw FormatError(.checksumMismatch, "\(path): chunk \(c) of the feature file fails its CRC32; the file is damaged")
            }
        }
        let digest = hasher.finalizeHex()
        guard digest == sha256 else {
            throw FormatError(.checksumMismatch, "\(path): the feature file's SHA-256 is \(digest), not the \(sha256) its entry records")
        }
    }

    /// Rows `indices` (each below `layout.rows`), one after another into `out`. Consecutive
    /// indices in one chunk are read with one call. The content was checked by `verify`.
    public func readRows(_ indices: [Int], into out: UnsafeMutableBufferPointer<Float>) throws(FormatError) {
        let width = layout.width
        guard out.count >= indices.count * width, let base = out.baseAddress else {
            if indices.isEmpty { return }
            throw FormatError(.invalidArgument, "the output holds \(out.count) values, fewer than \(indices.count) rows of \(width)")
        }
        var i = 0
        while i < indices.count {
            let first = indices[i]
            guard first >= 0 && first < layout.rows else {
                throw FormatError(.invalidArgument, "row \(first) is outside the feature file's \(layout.rows) rows")
            }
            var run = 1
            while i + run < indices.count, indices[i + run] == first + run,
                  (first + run) / layout.rowsPerChunk == first / layout.rowsPerChunk {
                run += 1
            }
            try pread(into: UnsafeMutableRawBufferPointer(start: base + i * width, count: run * width * 4), at: layout.offset(ofRow: first))
            i += run
        }
    }

    private func pread(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws(FormatError) {
        var done = 0
        while done < buffer.count, let start = buffer.baseAddress {
            #if canImport(Glibc)
            let n = Glibc.pread(file.fd, start + done, buffer.count - done, off_t(offset) + off_t(done))
            #else
            let n = Darwin.pread(file.fd, start + done, buffer.count - done, off_t(offset) + off_t(done))
            #endif
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw FileDescriptor.error("read", path) }
            guard n > 0 else {
                throw FormatError(.truncated, "\(path): the feature file ends at byte \(offset + UInt64(done)); it was truncated after it was opened")
            }
            done += n
        }
    }
}
