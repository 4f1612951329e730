/// The feature file (formats/store.md, "The feature cache"): the outputs of a frozen backbone for
/// every sample of a data set, one Float32 row per sample, in chunks that each carry a CRC32.
///
/// ```
/// 0      8  magic "zoofeat1"
/// 8      4  header length H (u32 LE, at most 1024)
/// 12     4  CRC32 of the header
/// 16     H  header: major u32 (1), minor u32, rows u64, rows per chunk u32, rank u32, rank × dim u64
/// 16+H      chunks: chunk i holds min(rows per chunk, rows - i × rows per chunk) rows of
///           width = Π dims Float32 values (LE), then the CRC32 of those bytes (u32 LE)
/// ```
/// Nothing follows the last chunk, so the file's size is a function of the header and is checked
/// exactly. Raw Float32 keeps the values bit for bit (training on them must equal training
/// without the cache) and lets a row be read at a computed offset.
public enum FeatureFile {
    /// The file's first bytes.
    public static let magic: [UInt8] = Array("zoofeat1".utf8)
    /// Major version this code reads and writes; a reader refuses another.
    public static let major: UInt32 = 1
    /// Minor version written.
    public static let minor: UInt32 = 0
    /// Largest header read.
    static let headerLimit = 1024
    /// Largest rank of a feature shape.
    static let rankLimit = 8
    /// Largest row (values per sample): 256 Mi values, 1 GiB.
    public static let rowLimit = 1 << 28
    /// Largest number of rows.
    public static let rowCountLimit = 1 << 40
    /// Largest chunk (raw bytes, without its CRC).
    static let chunkLimit = 64 << 20
    /// About this many raw bytes per chunk when writing (at least one row).
    public static let chunkTarget = 1 << 20

    /// The parsed header and the layout it implies.
    public struct Layout: Sendable, Equatable {
        /// Samples.
        public var rows: Int
        /// Rows per chunk (the last chunk may hold fewer).
        public var rowsPerChunk: Int
        /// Per-sample shape.
        public var shape: [Int]
        /// Minor version of the file.
        public var minor: UInt32
        /// Values per row.
        public var width: Int
        /// Bytes before the first chunk: 16 + header.
        public var dataOffset: Int
        /// Exact file size.
        public var fileSize: UInt64

        /// Checks sizes (with overflow checks) and computes the layout.
        init(rows: Int, rowsPerChunk: Int, shape: [Int], minor: UInt32, headerLength: Int) throws(FormatError) {
            guard rows >= 0, rows <= FeatureFile.rowCountLimit else {
                throw FormatError(.limitExceeded, "the feature file declares \(rows) rows, more than the \(FeatureFile.rowCountLimit) allowed")
            }
            guard !shape.isEmpty, shape.count <= FeatureFile.rankLimit, shape.allSatisfy({ $0 >= 1 && $0 <= FeatureFile.rowLimit }) else {
                throw FormatError(.malformed, "the feature file's row shape \(shape) is not 1 to \(FeatureFile.rankLimit) dimensions of 1 or more")
            }
            var width = 1
            for d in shape {
                let (w, over) = width.multipliedReportingOverflow(by: d)
                guard !over, w <= FeatureFile.rowLimit else {
                    throw FormatError(.limitExceeded, "the feature file's rows of shape \(shape) exceed \(FeatureFile.rowLimit) values")
                }
                width = w
            }
            let (chunkBytes, o0) = rowsPerChunk.multipliedReportingOverflow(by: width * 4)
            // One row per chunk is always allowed, however wide; more only up to the chunk limit.
            guard rowsPerChunk >= 1, !o0, rowsPerChunk == 1 || chunkBytes <= FeatureFile.chunkLimit else {
                throw FormatError(.malformed, "the feature file's chunks of \(rowsPerChunk) rows of \(width) values are out of range")
            }
            let rowBytes = UInt64(width) * 4
            let chunks = UInt64(rows == 0 ? 0 : (rows - 1) / rowsPerChunk + 1)
            let (data, o1) = UInt64(rows).multipliedReportingOverflow(by: rowBytes)
            let (size, o2) = data.addingReportingOverflow(chunks * 4 + UInt64(16 + headerLength))
            guard !o1, !o2 else { throw FormatError(.limitExceeded, "the feature file's declared size overflows") }
            self.rows = rows
            self.rowsPerChunk = rowsPerChunk
            self.shape = shape
            self.minor = minor
            self.width = width
            self.dataOffset = 16 + headerLength
            self.fileSize = size
        }

        /// Chunks in the file.
        public var chunkCount: Int { rows == 0 ? 0 : (rows - 1) / rowsPerChunk + 1 }

        /// Rows in chunk `c`.
        public func rows(inChunk c: Int) -> Int { min(rowsPerChunk, rows - c * rowsPerChunk) }

        /// File offset of chunk `c`'s first value.
        public func offset(ofChunk c: Int) -> UInt64 {
            UInt64(dataOffset) + UInt64(c) * (UInt64(rowsPerChunk) * UInt64(width) * 4 + 4)
        }

        /// File offset of row `r`'s first value.
        public func offset(ofRow r: Int) -> UInt64 {
            offset(ofChunk: r / rowsPerChunk) + UInt64(r % rowsPerChunk) * UInt64(width) * 4
        }
    }

    /// Bytes of a version 1.0 header for a shape of `rank` dimensions.
    static func headerLength(rank: Int) -> Int { 24 + 8 * rank }

    /// The header bytes for `rows` rows of `shape`, `rowsPerChunk` to a chunk.
    static func header(rows: Int, rowsPerChunk: Int, shape: [Int]) -> [UInt8] {
        var h: [UInt8] = []
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { h.append(contentsOf: $0) } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { h.append(contentsOf: $0) } }
        u32(major)
        u32(minor)
        u64(UInt64(rows))
        u32(UInt32(rowsPerChunk))
        u32(UInt32(shape.count))
        for d in shape { u64(UInt64(d)) }
        return h
    }

    /// The 16 bytes before the header: magic, header length, header CRC32.
    static func preamble(header: [UInt8]) -> [UInt8] {
        var p = magic
        withUnsafeBytes(of: UInt32(header.count).littleEndian) { p.append(contentsOf: $0) }
        withUnsafeBytes(of: CRC32.checksum(header).littleEndian) { p.append(contentsOf: $0) }
        return p
    }

    /// Parses the header after its preamble was checked.
    static func parseHeader(_ h: [UInt8], path: String) throws(FormatError) -> Layout {
        var at = 0
        func bad() -> FormatError { FormatError(.malformed, "\(path): the feature file's header is cut short") }
        func u32() throws(FormatError) -> UInt32 {
            guard at + 4 <= h.count else { throw bad() }
            defer { at += 4 }
            return UInt32(h[at]) | UInt32(h[at + 1]) << 8 | UInt32(h[at + 2]) << 16 | UInt32(h[at + 3]) << 24
        }
        func u64() throws(FormatError) -> UInt64 {
            let lo = UInt64(try u32())
            return lo | UInt64(try u32()) << 32
        }
        let fileMajor = try u32()
        guard fileMajor == major else {
            throw FormatError(.unsupportedVersion, "\(path) is feature file version \(fileMajor), but this zoo reads version \(major); it will be recomputed")
        }
        let fileMinor = try u32()
        let rows = try u64()
        let perChunk = try u32()
        let rank = try u32()
        guard rank >= 1, rank <= UInt32(rankLimit) else {
            throw FormatError(.malformed, "\(path): the feature file's rank \(rank) is not 1 to \(rankLimit)")
        }
        var shape: [Int] = []
        for _ in 0..<rank {
            let d = try u64()
            guard d <= UInt64(rowLimit) else { throw FormatError(.limitExceeded, "\(path): a feature dimension of \(d) is too large") }
            shape.append(Int(d))
        }
        guard rows <= UInt64(rowCountLimit) else {
            throw FormatError(.limitExceeded, "\(path): the feature file declares \(rows) rows, more than the \(rowCountLimit) allowed")
        }
        // A newer minor version may add header fields after these; they are ignored.
        return try Layout(rows: Int(rows), rowsPerChunk: Int(perChunk), shape: shape, minor: fileMinor, headerLength: h.count)
    }
}
