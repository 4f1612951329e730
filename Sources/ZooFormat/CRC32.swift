import CZlib
import CZooKernels

/// CRC-32 with zlib's polynomial (ISO-HDLC, as in gzip and PNG), the checksum of every chunk,
/// of the index and of the footer (formats/zckpt-v1.md, §7 "Checksums").
public enum CRC32 {
    /// The CRC-32 of `bytes`, continuing from `seed` (0 to start).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        var crc = seed
        var rest = bytes
        // The folding kernel takes whole 16-byte blocks (at least 64 bytes); zlib does the rest.
        if folding, rest.count >= 64, let base = rest.baseAddress {
            let n = rest.count & ~15
            crc = zoo_crc32_fold(crc, base.assumingMemoryBound(to: UInt8.self), n)
            rest = UnsafeRawBufferPointer(rebasing: rest[n...])
        }
        return zlibChecksum(rest, seed: crc)
    }

    /// zlib's CRC-32 (the reference the folding kernel is tested against).
    static func zlibChecksum(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
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

    /// Whether this CPU runs the carry-less multiplication kernel.
    static let folding = zoo_crc32_fold_available() != 0

    /// The CRC-32 of a byte array.
    public static func checksum(_ bytes: [UInt8], seed: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, seed: seed) }
    }
}
