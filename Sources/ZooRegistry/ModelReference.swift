/// A reference to a model version in the store (formats/store.md, "References"):
/// `name` (latest version), `name:N` (version N), `name:TAG` (a movable tag), `name@sha256:HEX`
/// (a manifest digest, or a unique prefix of at least 6 hex digits).
public struct ModelReference: Sendable, Hashable, CustomStringConvertible {
    /// What the reference picks among a name's versions.
    public enum Selector: Sendable, Hashable {
        /// The highest version number of the name.
        case latest
        /// One version number (immutable).
        case version(Int)
        /// A tag (movable).
        case tag(String)
        /// A manifest digest or a prefix of its hex digits.
        case digest(String)
    }

    /// Longest model name or tag accepted.
    public static let maxNameLength = 128
    /// Highest version number (nine digits), so counting up can never overflow.
    public static let maxVersion = 999_999_999
    /// Shortest digest prefix accepted after `@sha256:`.
    public static let minDigestPrefix = 6

    /// The model name.
    public var name: String
    /// Which version of the name.
    public var selector: Selector

    /// A reference from its parts (not validated; `init(parsing:)` validates).
    public init(name: String, selector: Selector = .latest) {
        self.name = name
        self.selector = selector
    }

    /// Parses and validates `text`.
    public init(parsing text: String) throws(StoreError) {
        if let at = text.firstIndex(of: "@") {
            let name = String(text[..<at])
            let rest = String(text[text.index(after: at)...])
            try ModelReference.validateName(name)
            guard rest.hasPrefix("sha256:") else {
                throw StoreError(.badReference, "'\(text)': after '@' expected sha256:<hex>, as in \(name)@sha256:3f2a9c…")
            }
            let hex = String(rest.dropFirst(7))
            guard hex.utf8.count >= ModelReference.minDigestPrefix, hex.utf8.count <= 64, Digest.isHex(hex) else {
                throw StoreError(.badReference, "'\(text)': a digest is 6 to 64 lowercase hex digits after sha256:")
            }
            self.init(name: name, selector: .digest(hex))
            return
        }
        if let colon = text.firstIndex(of: ":") {
            let name = String(text[..<colon])
            let suffix = String(text[text.index(after: colon)...])
            try ModelReference.validateName(name)
            if !suffix.isEmpty, suffix.utf8.allSatisfy({ (48...57).contains($0) }) {
                guard suffix.utf8.count <= 9, let n = Int(suffix), n >= 1 else {
                    throw StoreError(.badReference, "'\(text)': versions count up from 1")
                }
                self.init(name: name, selector: .version(n))
            } else if suffix == "latest" {
                self.init(name: name, selector: .latest)
            } else {
                try ModelReference.validateTag(suffix)
                self.init(name: name, selector: .tag(suffix))
            }
            return
        }
        try ModelReference.validateName(text)
        self.init(name: text, selector: .latest)
    }

    /// Checks a model name: 1 to 128 characters from `a-z 0-9 . _ -`, starting with a letter or
    /// digit, with no `..` (so a name can never act as a path).
    public static func validateName(_ name: String) throws(StoreError) {
        let what = "model name '\(name)'"
        guard !name.isEmpty else { throw StoreError(.badReference, "a model name is empty; names look like bert-base or minilm.v2") }
        guard name.utf8.count <= maxNameLength else {
            throw StoreError(.badReference, "\(what) is longer than \(maxNameLength) characters")
        }
        let bytes = Array(name.utf8)
        guard isLowerAlnum(bytes[0]) else {
            throw StoreError(.badReference, "\(what) must start with a lowercase letter or a digit")
        }
        for b in bytes where !(isLowerAlnum(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")) {
            let c = Character(Unicode.Scalar(b))
            throw StoreError(.badReference, "\(what) contains '\(c)'; names use only a-z, 0-9, '.', '_' and '-'")
        }
        guard !name.contains("..") else { throw StoreError(.badReference, "\(what) contains '..'") }
    }

    /// Checks a tag: 1 to 128 characters from `A-Z a-z 0-9 . _ -`, starting with a letter, digit or
    /// `_`, not all digits (those are version numbers) and not `latest` (that means the highest version).
    public static func validateTag(_ tag: String) throws(StoreError) {
        guard !tag.isEmpty else { throw StoreError(.badReference, "a tag is empty; tags look like prod or v1.2") }
        guard tag.utf8.count <= maxNameLength else {
            throw StoreError(.badReference, "tag '\(tag)' is longer than \(maxNameLength) characters")
        }
        let bytes = Array(tag.utf8)
        guard isAlnum(bytes[0]) || bytes[0] == UInt8(ascii: "_") else {
            throw StoreError(.badReference, "tag '\(tag)' must start with a letter, a digit or '_'")
        }
        for b in bytes where !(isAlnum(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")) {
            let c = Character(Unicode.Scalar(b))
            throw StoreError(.badReference, "tag '\(tag)' contains '\(c)'; tags use only letters, digits, '.', '_' and '-'")
        }
        guard !bytes.allSatisfy({ (48...57).contains($0) }) else {
            throw StoreError(.badReference, "tag '\(tag)' is all digits, which would read as a version number")
        }
        guard tag != "latest" else {
            throw StoreError(.badReference, "'latest' always means the highest version and cannot be a tag")
        }
    }

    private static func isLowerAlnum(_ b: UInt8) -> Bool { (97...122).contains(b) || (48...57).contains(b) }
    private static func isAlnum(_ b: UInt8) -> Bool { isLowerAlnum(b) || (65...90).contains(b) }

    /// The reference as a person types it.
    public var description: String {
        switch selector {
        case .latest: return name
        case .version(let n): return "\(name):\(n)"
        case .tag(let t): return "\(name):\(t)"
        case .digest(let hex): return "\(name)@sha256:\(hex)"
        }
    }
}
