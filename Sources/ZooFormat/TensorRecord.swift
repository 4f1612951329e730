/// One chunk of a tensor's encoded stream (formats/zckpt-v1.md, "Chunk table").
public struct ChunkRecord: Codable, Sendable, Equatable, Hashable {
    /// Offset of the chunk's stored bytes from the start of the tensor's stream.
    public var offset: UInt64
    /// Stored (encoded) length in bytes.
    public var storedLength: UInt64
    /// Raw (decoded) length in bytes.
    public var rawLength: UInt64
    /// CRC32 (zlib polynomial) of the stored bytes.
    public var crc32: UInt32

    public init(offset: UInt64, storedLength: UInt64, rawLength: UInt64, crc32: UInt32) {
        self.offset = offset
        self.storedLength = storedLength
        self.rawLength = rawLength
        self.crc32 = crc32
    }
}

/// Everything needed to find, decode and check one tensor's stream.
///
/// The same record appears in a `.zckpt` index (with `offset` set) and in a store's config blob
/// (where the stream is a blob of its own and `offset` is nil).
public struct TensorRecord: Codable, Sendable, Equatable, Hashable {
    public var name: String
    public var dtype: DType
    public var shape: [Int]
    public var codec: Codec
    /// Sum of the chunks' raw lengths: element count × dtype width.
    public var rawBytes: UInt64
    /// Length of the encoded stream: sum of the chunks' stored lengths.
    public var storedBytes: UInt64
    /// Lowercase hex SHA-256 of the raw (decoded) bytes.
    public var sha256: String
    public var chunks: [ChunkRecord]
    /// Absolute offset of the stream in a `.zckpt` file; nil outside a file.
    public var offset: UInt64?

    public init(name: String, dtype: DType, shape: [Int], codec: Codec, rawBytes: UInt64,
                storedBytes: UInt64, sha256: String, chunks: [ChunkRecord], offset: UInt64? = nil) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.codec = codec
        self.rawBytes = rawBytes
        self.storedBytes = storedBytes
        self.sha256 = sha256
        self.chunks = chunks
        self.offset = offset
    }

    /// Number of elements (1 for a scalar, 0 when any dimension is 0).
    public var elementCount: Int { shape.reduce(1, *) }
}
