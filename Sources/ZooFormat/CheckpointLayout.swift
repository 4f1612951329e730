/// The fixed byte structures of a `.zckpt` file (formats/zckpt-v1.md, §2.1 "Preamble" and §2.3 "Footer").
/// All integers are little-endian.
enum CheckpointLayout {
    /// The 8 magic bytes at the start of the preamble and the end of the footer:
    /// 0x89 "ZCKPT" CR LF (a high-bit byte and a CRLF catch 7-bit and text-mode transfers).
    static let magic: [UInt8] = [0x89, 0x5A, 0x43, 0x4B, 0x50, 0x54, 0x0D, 0x0A]

    /// The 64-byte preamble: magic, major u16, minor u16, then zeros.
    static func preamble(_ version: FormatVersion) -> [UInt8] {
        var bytes = magic
        append(&bytes, version.major)
        append(&bytes, version.minor)
        bytes += [UInt8](repeating: 0, count: FormatLimits.preambleSize - bytes.count)
        return bytes
    }

    /// The v1 footer: fields of `Footer` laid out as the spec's table, footer CRC first.
    static func footer(_ footer: Footer) -> [UInt8] {
        var body: [UInt8] = []
        append(&body, UInt32(0)) // reserved
        append(&body, footer.indexOffset)
        append(&body, footer.indexLength)
        append(&body, footer.indexCRC32)
        append(&body, footer.version.major)
        append(&body, footer.version.minor)
        body += magic
        var bytes: [UInt8] = []
        append(&bytes, CRC32.checksum(body))
        return bytes + body
    }

    /// The footer's fields.
    struct Footer: Equatable {
        var indexOffset: UInt64
        var indexLength: UInt64
        var indexCRC32: UInt32
        var version: FormatVersion
    }

    static func append<T: FixedWidthInteger>(_ bytes: inout [UInt8], _ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    static func read<T: FixedWidthInteger>(_ bytes: [UInt8], at offset: Int, as: T.Type) -> T {
        var value: T = 0
        for i in 0..<MemoryLayout<T>.size { value |= T(bytes[offset + i]) << (8 * i) }
        return value
    }
}
