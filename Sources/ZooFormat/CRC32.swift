import CZlib

/// CRC-32 with zlib's polynomial (ISO-HDLC, as in gzip and PNG), the checksum of every chunk,
/// of the index and of the footer (formats/zckpt-v1.md, §7 "Checksums").
public enum CRC32 {
    /// The CRC-32 of `bytes`, continuing from `seed` (0 to start).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        var crc = UInt(seed)
        var rest = bytes
        // zlib takes a 32-bit length; feed very large buffers in pieces.
        while let base = rest.baseAddress, rest.count > 0 {
            let n = min(rest.count, 1 << 30)
            crc = crc32(crc, base.assumingMemoryBound(to: Bytef.self), UInt32(n))
            rest = UnsafeRawBufferPointer(rebasing: rest[n...])
        }
        return UInt32(truncatingIfNeeded: crc)
    }

    /// The CRC-32 of a byte array.
    public static func checksum(_ bytes: [UInt8], seed: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, seed: seed) }
    }
}
