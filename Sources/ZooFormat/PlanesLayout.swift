/// The byte layout of one `planes` chunk (formats/zckpt-v1.md, §5.3 "planes"):
/// a header of one 5-byte entry per plane (method u8, stored length u32 little-endian), then the
/// planes' stored bytes in plane order.
enum PlanesLayout {
    /// How one plane is stored.
    enum Method: UInt8 {
        /// The plane's bytes as they are.
        case stored = 0
        /// Raw deflate made with Huffman coding only (`Z_HUFFMAN_ONLY`).
        case huffman = 1
        /// Raw deflate with LZ77 matching.
        case deflate = 2
        /// One Huffman-only deflate block with entry points for decoding its quarters at once
        /// (format 1.1): u8 K, K - 1 u32 bit offsets, the stream.
        case indexedHuffman = 3
    }

    /// Planes of at least this many bytes are written as `indexedHuffman` when Huffman coding
    /// pays; smaller ones as `huffman` (so small tensors encode as in format 1.0).
    static let indexedFrom = 1 << 14

    /// Most segments an `indexedHuffman` plane may declare.
    static let maxSegments = 16

    /// Bytes of one header entry.
    static let entrySize = 5

    /// Bytes of the header of a chunk of an element type `width` bytes wide.
    static func headerSize(width: Int) -> Int { entrySize * width }

    /// Bits an element is rotated left before it is split (spec §5.3 "planes"): 1 for floating-point
    /// types of two or more bytes, so the exponent bits fill the top byte plane; 0 otherwise.
    static func rotation(of dtype: DType) -> Int {
        dtype.isFloatingPoint && dtype.byteWidth >= 2 ? 1 : 0
    }
}
