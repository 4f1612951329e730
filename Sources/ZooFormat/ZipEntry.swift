/// One file in a zip archive, from its central directory record, checked against its local header.
public struct ZipEntry: Sendable, Equatable {
    /// How the entry's bytes are stored.
    public enum Method: UInt16, Sendable {
        /// Stored as they are (what `torch.save` writes).
        case stored = 0
        /// Raw deflate (RFC 1951).
        case deflate = 8
    }

    /// The entry's path inside the archive (UTF-8, `/`-separated, checked to stay inside it).
    public var name: String
    /// Stored or deflated.
    public var method: Method
    /// CRC-32 of the uncompressed bytes, from the central directory.
    public var crc32: UInt32
    /// Bytes the entry takes in the archive.
    public var compressedSize: Int
    /// Bytes the entry holds once extracted.
    public var uncompressedSize: Int
    /// Offset of the entry's local header in the archive.
    public var localHeaderOffset: Int
    /// Offset of the entry's first data byte (after the local header, its name and extra field).
    public var dataOffset: Int

    /// The archive bytes of the entry's (compressed) data.
    public var dataRange: Range<Int> { dataOffset..<(dataOffset + compressedSize) }
}
