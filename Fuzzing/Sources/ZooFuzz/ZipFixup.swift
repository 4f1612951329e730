import CFuzzZlib
import ZooFormat

/// Makes a mutated zip archive's CRC-32s right again (PyTorch's zip container, `.npz`): for every
/// central-directory entry, the CRC of its stored bytes (or of what its deflated bytes inflate
/// to) is written into the directory and the local header. Otherwise almost every mutation of a
/// member would stop at its checksum. An input whose length is a multiple of 7 is left as it is,
/// so the CRC checks are fuzzed too.
enum ZipFixup {
    static func fix(_ input: [UInt8]) -> [UInt8] {
        guard input.count >= 22, input.count % 7 != 0 else { return input }
        var bytes = input
        // The end-of-central-directory record: its signature within the last 64 KiB + 22 bytes.
        var eocd = -1
        var i = bytes.count - 22
        while i >= max(0, bytes.count - 22 - 0xFFFF) {
            if u32(bytes, i) == 0x0605_4B50 { eocd = i; break }
            i -= 1
        }
        guard eocd >= 0 else { return input }
        let count = Int(u16(bytes, eocd + 10))
        var cursor = Int(u32(bytes, eocd + 16))
        for _ in 0..<count {
            guard cursor >= 0, cursor + 46 <= bytes.count, u32(bytes, cursor) == 0x0201_4B50 else { break }
            let method = u16(bytes, cursor + 10)
            let compressed = Int(u32(bytes, cursor + 20))
            let uncompressed = Int(u32(bytes, cursor + 24))
            let next = cursor + 46 + Int(u16(bytes, cursor + 28)) + Int(u16(bytes, cursor + 30)) + Int(u16(bytes, cursor + 32))
            let local = Int(u32(bytes, cursor + 42))
            defer { cursor = next }
            guard local + 30 <= bytes.count, u32(bytes, local) == 0x0403_4B50 else { continue }
            let start = local + 30 + Int(u16(bytes, local + 26)) + Int(u16(bytes, local + 28))
            guard compressed != 0xFFFF_FFFF, start <= bytes.count, compressed <= bytes.count - start else { continue }
            let data = Array(bytes[start..<(start + compressed)])
            let content: [UInt8]?
            switch method {
            case 0: content = data
            case 8: content = uncompressed <= 1 << 24 ? ReferenceInflate.inflate(data, length: uncompressed).bytes : nil
            default: content = nil
            }
            guard let content else { continue }
            let crc = CRC32.checksum(content)
            put32(&bytes, cursor + 16, crc)
            put32(&bytes, local + 14, crc)
        }
        return bytes
    }

    static func u16(_ b: [UInt8], _ at: Int) -> UInt16 { UInt16(b[at]) | UInt16(b[at + 1]) << 8 }
    static func u32(_ b: [UInt8], _ at: Int) -> UInt32 { (0..<4).reduce(UInt32(0)) { $0 | UInt32(b[at + $1]) << (8 * $1) } }
    static func put32(_ b: inout [UInt8], _ at: Int, _ v: UInt32) {
        for k in 0..<4 { b[at + k] = UInt8(truncatingIfNeeded: v >> (8 * k)) }
    }
}
