/// Little-endian integers and length-prefixed byte strings, for the summary cache's records.
/// The reader never reads past its buffer: every accessor returns nil when the bytes run out.
enum ByteCoding {
    static func append(_ v: UInt64, to out: inout [UInt8]) {
        for j in 0..<8 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(j)))) }
    }

    static func append(_ v: UInt32, to out: inout [UInt8]) {
        for j in 0..<4 { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(j)))) }
    }

    /// A u32 length, then the bytes.
    static func appendBytes(_ bytes: [UInt8], to out: inout [UInt8]) {
        append(UInt32(truncatingIfNeeded: bytes.count), to: &out)
        out.append(contentsOf: bytes)
    }

    /// Reads `UnsafeRawBufferPointer` front to back.
    struct Reader {
        let bytes: UnsafeRawBufferPointer
        var position = 0

        init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        var remaining: Int { bytes.count - position }

        mutating func u8() -> UInt8? {
            guard remaining >= 1 else { return nil }
            defer { position += 1 }
            return bytes[position]
        }

        mutating func u32() -> UInt32? {
            guard remaining >= 4 else { return nil }
            var v: UInt32 = 0
            for j in 0..<4 { v |= UInt32(bytes[position + j]) << (8 * UInt32(j)) }
            position += 4
            return v
        }

        mutating func u64() -> UInt64? {
            guard remaining >= 8 else { return nil }
            var v: UInt64 = 0
            for j in 0..<8 { v |= UInt64(bytes[position + j]) << (8 * UInt64(j)) }
            position += 8
            return v
        }

        mutating func digest() -> DigestBytes? {
            guard remaining >= 32 else { return nil }
            defer { position += 32 }
            return DigestBytes(reading: bytes, at: position)
        }

        /// A u32 length, then that many bytes.
        mutating func byteString() -> [UInt8]? {
            guard let n = u32(), Int(n) <= remaining else { return nil }
            defer { position += Int(n) }
            return Array(bytes[position..<(position + Int(n))])
        }

        /// `bytes()` as UTF-8 text.
        mutating func string() -> String? {
            guard let b = byteString() else { return nil }
            return String(validating: b, as: UTF8.self)
        }
    }
}
