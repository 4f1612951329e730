/// A SHA-256 digest as its 32 bytes (four words), for the store's own bookkeeping: the summary
/// cache stores digests this way, and `du` and `gc` count tens of thousands of blobs, where
/// hashing four words beats hashing a 64-character string.
struct DigestBytes: Hashable, Comparable, Sendable {
    var w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64

    /// The bytes of `digest` (whose hex was validated when it was made).
    init(_ digest: Digest) {
        // A Digest always holds 64 lowercase hex digits, so parsing cannot fail.
        var hex = digest.hex
        self = hex.withUTF8 { DigestBytes(hex: UnsafeRawBufferPointer($0)) } ?? DigestBytes(w0: 0, w1: 0, w2: 0, w3: 0)
    }

    init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64) {
        self.w0 = w0; self.w1 = w1; self.w2 = w2; self.w3 = w3
    }

    /// Parses exactly 64 lowercase hex digits (a blob file's name); nil for anything else.
    init?<C: Collection>(hex: C) where C.Element == UInt8 {
        guard hex.count == 64 else { return nil }
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var i = 0
        for c in hex {
            let v: UInt64
            switch c {
            case 0x30...0x39: v = UInt64(c - 0x30)
            case 0x61...0x66: v = UInt64(c - 0x61 + 10)
            default: return nil
            }
            switch i >> 4 {
            case 0: words.0 = words.0 << 4 | v
            case 1: words.1 = words.1 << 4 | v
            case 2: words.2 = words.2 << 4 | v
            default: words.3 = words.3 << 4 | v
            }
            i += 1
        }
        self.init(w0: words.0, w1: words.1, w2: words.2, w3: words.3)
    }

    /// Reads 32 bytes at `offset` of `bytes` (the caller checked they are there).
    init(reading bytes: UnsafeRawBufferPointer, at offset: Int) {
        func word(_ k: Int) -> UInt64 {
            var w: UInt64 = 0
            for j in 0..<8 { w = w << 8 | UInt64(bytes[offset + 8 * k + j]) }
            return w
        }
        self.init(w0: word(0), w1: word(1), w2: word(2), w3: word(3))
    }

    /// Appends the 32 bytes, most significant first (the digest's byte order).
    func append(to out: inout [UInt8]) {
        for w in [w0, w1, w2, w3] {
            for j in (0..<8).reversed() { out.append(UInt8(truncatingIfNeeded: w >> (8 * UInt64(j)))) }
        }
    }

    /// The digest in its usual form.
    var digest: Digest {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for w in [w0, w1, w2, w3] {
            for j in (0..<16).reversed() { text.append(digits[Int((w >> (4 * UInt64(j))) & 15)]) }
        }
        return Digest(validHex: String(decoding: text, as: UTF8.self))
    }

    static func < (a: DigestBytes, b: DigestBytes) -> Bool {
        (a.w0, a.w1, a.w2, a.w3) < (b.w0, b.w1, b.w2, b.w3)
    }
}
