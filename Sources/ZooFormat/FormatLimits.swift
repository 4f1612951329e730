/// The limits a reader enforces, as written in formats/zckpt-v1.md, §9 "Limits". Everything read from
/// a file is checked against these before any memory is allocated for it.
public enum FormatLimits {
    /// Bytes of the preamble; the first stream starts here.
    public static let preambleSize = 64
    /// Bytes of the v1 footer at the end of the file.
    public static let footerSize = 40
    /// Alignment of every tensor stream's offset in the file.
    public static let streamAlignment = 64
    /// Largest index (JSON) a reader accepts: 64 MiB.
    public static let maxIndexBytes = 64 << 20
    /// Most tensors in one file.
    public static let maxTensors = 1 << 20
    /// Most dimensions of one tensor.
    public static let maxDimensions = 16
    /// Most elements of one tensor (2^40).
    public static let maxElements: UInt64 = 1 << 40
    /// Most raw bytes of one tensor (2^43 = 8 TiB).
    public static let maxTensorRawBytes: UInt64 = 1 << 43
    /// Largest raw length of one chunk: 16 MiB. Writers use 1 MiB by default.
    public static let maxChunkRawBytes = 16 << 20
    /// Most bytes of a tensor name (UTF-8); names are never empty.
    public static let maxNameBytes = 1024
    /// Most entries in the metadata map.
    public static let maxMetadataEntries = 1 << 16
    /// Most bytes of a metadata key (UTF-8).
    public static let maxMetadataKeyBytes = 1024

    /// Most raw bytes one stored byte of a deflate stream can decode to (zlib's documented maximum
    /// ratio, 1032:1: a 258-byte match coded in two bits).
    public static let maxDeflateExpansion: UInt64 = 1032

    /// Largest raw length a chunk of `storedLength` stored bytes can decode to for `codec` and
    /// element width `width` (spec §6 "Chunk table"): raw 1:1; deflate 1032:1; planes 1032:1 over
    /// the plane streams after the `5w`-byte plane header (every plane method expands at most as
    /// much as deflate). A reader checks this before it allocates anything for the chunk, so the
    /// memory a file can make a reader allocate is bounded by the file's own size.
    static func maxRawLength(storedLength: UInt64, codec: Codec, width: Int) -> UInt64 {
        let streams: UInt64
        switch codec {
        case .raw: return storedLength
        case .deflate: streams = storedLength
        case .planes:
            let header = UInt64(PlanesLayout.headerSize(width: width))
            streams = storedLength <= header ? 0 : storedLength - header
        }
        let (product, overflow) = streams.multipliedReportingOverflow(by: maxDeflateExpansion)
        return overflow ? .max : product
    }

    /// Largest stored length of a chunk with `rawLength` raw bytes for `codec` and element width
    /// `width` (spec §6 "Chunk table"): raw stores exactly, planes at most a plane header more, deflate
    /// at most zlib's worst-case expansion.
    static func maxStoredLength(rawLength: UInt64, codec: Codec, width: Int) -> UInt64 {
        switch codec {
        case .raw: return rawLength
        case .planes: return rawLength + UInt64(PlanesLayout.headerSize(width: width))
        case .deflate: return rawLength + rawLength / 256 + 64
        }
    }
}
