import Crypto

/// One-shot SHA-256 as lowercase hex, the digest of a tensor's raw bytes and of store blobs
/// (formats/zckpt-v1.md, §7 "Checksums").
public enum SHA256Digest {
    /// The lowercase hex SHA-256 of `bytes`.
    public static func hex(_ bytes: UnsafeRawBufferPointer) -> String {
        var hasher = SHA256Hasher()
        hasher.update(bytes)
        return hasher.finalizeHex()
    }

    /// The lowercase hex SHA-256 of a byte array.
    public static func hex(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { hex($0) }
    }

    /// Whether `text` is a well-formed digest: exactly 64 lowercase hex digits.
    public static func isValidHex(_ text: String) -> Bool {
        let utf8 = text.utf8
        return utf8.count == 64 && utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// Lowercase hex of arbitrary bytes.
    static func hexString<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
