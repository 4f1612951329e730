/// How a tensor's raw bytes are encoded into its stream (formats/zckpt-v1.md, "Codecs").
public enum Codec: String, Codable, Sendable, CaseIterable, Hashable {
    /// Bytes stored as they are; a raw tensor can be memory-mapped.
    case raw
    /// Each chunk compressed with zlib's deflate.
    case deflate
    /// Each chunk split into byte planes (floats rotated so the exponent fills one plane), each
    /// plane stored raw, Huffman-only deflate, or deflate, whichever is smallest.
    case planes
}
