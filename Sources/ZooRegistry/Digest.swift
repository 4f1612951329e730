import ZooFormat

/// A content digest as OCI writes it, `sha256:<64 lowercase hex>`; the only algorithm the store uses.
public struct Digest: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The 64 lowercase hex digits.
    public let hex: String

    /// Accepts `sha256:<hex>` only; anything else (other algorithms, upper case, wrong length)
    /// is refused, so a digest read from a file can safely become a path.
    public init(parsing text: String) throws(StoreError) {
        guard text.hasPrefix("sha256:") else {
            throw StoreError(.corrupt, "'\(text)' is not a sha256 digest (expected sha256:<64 hex digits>)")
        }
        let hex = String(text.dropFirst(7))
        guard Digest.isHex(hex, count: 64) else {
            throw StoreError(.corrupt, "'\(text)' is not a sha256 digest (expected sha256:<64 lowercase hex digits>)")
        }
        self.hex = hex
    }

    /// The digest of `bytes`.
    public init(of bytes: UnsafeRawBufferPointer) {
        self.hex = SHA256Digest.hex(bytes)
    }

    /// The digest of `bytes`.
    public init(of bytes: [UInt8]) {
        self.hex = SHA256Digest.hex(bytes)
    }

    init(finishing hasher: SHA256Hasher) {
        self.hex = hasher.finalizeHex()
    }

    /// A digest from hex the caller produced itself (`DigestBytes`), so it needs no check.
    init(validHex hex: String) {
        self.hex = hex
    }

    /// `sha256:<hex>`.
    public var description: String { "sha256:" + hex }
    /// The first 12 hex digits, as tables show digests.
    public var short: String { String(hex.prefix(12)) }

    public static func < (a: Digest, b: Digest) -> Bool { a.hex < b.hex }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try Digest(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    static func isHex(_ text: String, count: Int? = nil) -> Bool {
        if let count, text.utf8.count != count { return false }
        return !text.isEmpty && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
