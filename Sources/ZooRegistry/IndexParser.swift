#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ZooFormat

/// Reads `index.json` (an OCI image index) in one pass over its bytes: strict RFC 8259 JSON
/// (UTF-8 checked, no comments, no trailing commas, no lone surrogates, nesting bounded), the
/// fields the store interprets decoded, and the byte range of every manifest entry and of every
/// top-level member it does not interpret, so another tool's entries are written back exactly as
/// they were (fields the store does not know included).
///
/// Foundation's decoder took most of the time of every store command at 10,000 versions
/// (formats/store.md, "Cost"); this reader does the same checks about ten times faster.
struct IndexParser {
    /// The annotation keys the store reads from an entry (formats/store.md, "index.json").
    static let knownKeys: [String] = [
        AnnotationKey.refName, AnnotationKey.created, AnnotationKey.name, AnnotationKey.version, AnnotationKey.tag,
        AnnotationKey.parameters, AnnotationKey.rawBytes, AnnotationKey.storedBytes, AnnotationKey.tensorCount,
        AnnotationKey.parent, AnnotationKey.operation,
    ]
    /// The slot of each known key in `Entry.annotations`.
    static let slot: [String: Int] = Dictionary(uniqueKeysWithValues: knownKeys.enumerated().map { ($1, $0) })
    private static let knownKeyBytes: [[UInt8]] = knownKeys.map { Array($0.utf8) }
    /// The slots of the known keys of each length (index: length), so a key is compared with one or two.
    private static let slotsByLength: [[Int]] = {
        var table = [[Int]](repeating: [], count: (knownKeys.map(\.utf8.count).max() ?? 0) + 1)
        for (k, key) in knownKeys.enumerated() { table[key.utf8.count].append(k) }
        return table
    }()

    /// A string value: where its text is when it has no escapes (the store writes none), else
    /// the decoded string.
    enum Text {
        case bytes(Range<Int>)
        case decoded(String)
    }

    /// One `manifests` entry: the descriptor's fields, the values of the known annotation keys
    /// (others are skipped: the store rewrites its own entries from these, and writes other
    /// tools' entries back as their text) and where the entry's text is.
    struct Entry {
        var mediaType: String
        var digest: Digest
        var size: Int64
        var artifactType: String?
        /// Indexed by `IndexParser.slot`; nil for a key the entry does not have.
        var annotations: [Text?]
        var text: Range<Int>
    }

    /// The parsed document.
    struct Document {
        var schemaVersion: Int
        var mediaType: String?
        var manifests: [Entry]
        var annotations: [String: String]?
        /// Top-level members other than the four above, in file order, with their value's text.
        var otherMembers: [(key: String, text: Range<Int>)]
    }

    /// Deeper nesting is refused; an OCI index nests four levels.
    static let maxDepth = 64

    private let bytes: UnsafeRawBufferPointer
    private let path: String
    private var position = 0

    private init(bytes: UnsafeRawBufferPointer, path: String) {
        self.bytes = bytes
        self.path = path
    }

    /// Parses `bytes`, the content of `path` (named in errors, which are all `.corrupt`).
    static func parse(_ bytes: UnsafeRawBufferPointer, path: String) throws(StoreError) -> Document {
        var p = IndexParser(bytes: bytes, path: path)
        return try p.document()
    }

    private func failure(_ what: String) -> StoreError {
        StoreError(.corrupt, "\(path) is not a valid OCI index (at byte \(position): \(what)); the store was not changed. Restore index.json from a backup, or move it aside and run `zoo verify` to see the blobs")
    }

    // MARK: The document

    private mutating func document() throws(StoreError) -> Document {
        skipWhitespace()
        var schemaVersion: Int?
        var mediaType: String?
        var manifests: [Entry]?
        var annotations: [String: String]?
        var others: [(key: String, text: Range<Int>)] = []
        var seen = Set<String>()
        if try beginObject() {
            repeat {
                let key = try memberName()
                guard seen.insert(key).inserted else { throw failure("member \"\(key)\" appears twice") }
                switch key {
                case "schemaVersion": schemaVersion = try integer("schemaVersion")
                case "mediaType": mediaType = try optionalString("mediaType")
                case "manifests": manifests = try entries()
                case "annotations": annotations = try optionalStringMap("annotations", depth: 1)
                default:
                    let start = position
                    try skipValue(depth: 1)
                    others.append((key, start..<position))
                }
            } while try nextMember()
        }
        skipWhitespace()
        guard position == bytes.count else { throw failure("unexpected text after the index object") }
        guard let schemaVersion else { throw failure("schemaVersion is missing") }
        guard let manifests else { throw failure("manifests is missing") }
        return Document(schemaVersion: schemaVersion, mediaType: mediaType, manifests: manifests,
                        annotations: annotations, otherMembers: others)
    }

    private mutating func entries() throws(StoreError) -> [Entry] {
        skipWhitespace()
        guard current == UInt8(ascii: "[") else { throw failure("manifests must be an array") }
        position += 1
        var out: [Entry] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") { position += 1; return out }
        while true {
            skipWhitespace()
            let start = position
            let (mediaType, digest, size, artifactType, annotations) = try descriptor(entry: out.count)
            out.append(Entry(mediaType: mediaType, digest: digest, size: size, artifactType: artifactType,
                             annotations: annotations, text: start..<position))
            skipWhitespace()
            guard let c = current else { throw failure("unexpected end inside manifests") }
            position += 1
            if c == UInt8(ascii: "]") { return out }
            guard c == UInt8(ascii: ",") else { throw failure("expected ',' or ']' in manifests") }
        }
    }

    private mutating func descriptor(entry i: Int) throws(StoreError) -> (String, Digest, Int64, String?, [Text?]) {
        guard current == UInt8(ascii: "{") else { throw failure("manifest entry \(i) is not an object") }
        var mediaType: String?
        var digest: Digest?
        var size: Int64?
        var artifactType: String?
        var annotations: [Text?]?
        var seen = 0  // one bit per member below
        func once(_ bit: Int, _ key: String) throws(StoreError) {
            guard seen & bit == 0 else { throw failure("manifest entry \(i) has \"\(key)\" twice") }
            seen |= bit
        }
        if try beginObject() {
            repeat {
                let key = try memberName()
                switch key {
                case "mediaType":
                    try once(1, key)
                    mediaType = IndexParser.shared(try string("mediaType"))
                case "digest":
                    try once(2, key)
                    digest = try self.digest(entry: i)
                case "size":
                    try once(4, key)
                    let n = try integer("size")
                    guard n >= 0 else { throw failure("manifest entry \(i) has a negative size") }
                    size = Int64(n)
                case "artifactType":
                    try once(8, key)
                    artifactType = try optionalString("artifactType").map(IndexParser.shared)
                case "annotations":
                    try once(16, key)
                    annotations = try knownAnnotations(entry: i)
                default: try skipValue(depth: 3)
                }
            } while try nextMember()
        }
        guard let mediaType, let digest, let size else {
            throw failure("manifest entry \(i) lacks mediaType, digest or size")
        }
        return (mediaType, digest, size, artifactType, annotations ?? Array(repeating: nil, count: IndexParser.knownKeys.count))
    }

    /// Whether `expected` is at `offset` of the document.
    private func matches(_ expected: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        guard let base = bytes.baseAddress, let other = expected.baseAddress, bytes.count - offset >= expected.count else {
            return expected.isEmpty
        }
        return memcmp(base + offset, other, expected.count) == 0
    }

    /// A `sha256:<64 lowercase hex>` digest string, checked on its bytes before a string is made.
    private mutating func digest(entry i: Int) throws(StoreError) -> Digest {
        guard current == UInt8(ascii: "\"") else { throw failure("digest must be a string") }
        let start = position + 1
        let prefix: StaticString = "sha256:"
        if bytes.count - start >= 72, bytes[start + 71] == UInt8(ascii: "\""),
           matches(UnsafeRawBufferPointer(start: prefix.utf8Start, count: 7), at: start),
           bytes[(start + 7)..<(start + 71)].allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) {
            position = start + 72
            return Digest(validHex: String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(start + 7)..<(start + 71)]), as: UTF8.self))
        }
        let text = try string()
        do { return try Digest(parsing: text) } catch {
            throw failure("manifest entry \(i) has digest '\(text)', not sha256:<64 lowercase hex digits>")
        }
    }

    /// The media types the store writes, as one shared string each instead of a copy per entry.
    private static func shared(_ s: String) -> String {
        switch s {
        case MediaType.manifest: return MediaType.manifest
        case MediaType.modelArtifact: return MediaType.modelArtifact
        default: return s
        }
    }

    /// An entry's annotations (an object of strings, or null): the known keys' values by slot.
    private mutating func knownAnnotations(entry i: Int) throws(StoreError) -> [Text?]? {
        if try isNull() { return nil }
        guard current == UInt8(ascii: "{") else { throw failure("annotations of manifest entry \(i) must be an object of strings") }
        var slots = [Text?](repeating: nil, count: IndexParser.knownKeys.count)
        var unknown = Set<String>()
        if try beginObject() {
            repeat {
                skipWhitespace()
                if let (k, end) = knownKey() {
                    position = end
                    skipWhitespace()
                    guard current == UInt8(ascii: ":") else { throw failure("expected ':' after \"\(IndexParser.knownKeys[k])\"") }
                    position += 1
                    skipWhitespace()
                    guard current == UInt8(ascii: "\"") else {
                        throw failure("annotation \"\(IndexParser.knownKeys[k])\" of manifest entry \(i) must be a string")
                    }
                    guard slots[k] == nil else { throw failure("manifest entry \(i) has annotation \"\(IndexParser.knownKeys[k])\" twice") }
                    slots[k] = try stringText()
                    continue
                }
                let key = try memberName()
                guard current == UInt8(ascii: "\"") else {
                    throw failure("annotation \"\(key)\" of manifest entry \(i) must be a string")
                }
                if let k = IndexParser.slot[key] {
                    // A known key written with escapes.
                    guard slots[k] == nil else { throw failure("manifest entry \(i) has annotation \"\(key)\" twice") }
                    slots[k] = .decoded(try string())
                } else {
                    guard unknown.insert(key).inserted else { throw failure("manifest entry \(i) has annotation \"\(key)\" twice") }
                    _ = try string()
                }
            } while try nextMember()
        }
        return slots
    }

    /// When the member name at the current `"` is exactly a known key (no escapes): its slot and
    /// the position after its closing quote; nil otherwise (the caller then decodes the name).
    private func knownKey() -> (slot: Int, end: Int)? {
        guard current == UInt8(ascii: "\"") else { return nil }
        let start = position + 1
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\") { end += 1 }
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { return nil }
        let n = end - start
        guard n < IndexParser.slotsByLength.count else { return nil }
        for k in IndexParser.slotsByLength[n] {
            let equal = IndexParser.knownKeyBytes[k].withUnsafeBytes { matches($0, at: start) }
            if equal { return (k, end + 1) }
        }
        return nil
    }

    /// A string at the current `"`, as where its text is when it has no escapes.
    private mutating func stringText() throws(StoreError) -> Text {
        let start = position + 1
        var p = start
        while p < bytes.count {
            let c = bytes[p]
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c < 0x20 || c >= 0x80 { break }
            p += 1
        }
        if p < bytes.count, bytes[p] == UInt8(ascii: "\"") {
            position = p + 1
            return .bytes(start..<p)
        }
        return .decoded(try string())
    }

    // MARK: Values

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            let c = bytes[position]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            position += 1
        }
    }

    /// Consumes `{`; true when the object has members (its first name comes next), false for `{}`.
    private mutating func beginObject() throws(StoreError) -> Bool {
        guard current == UInt8(ascii: "{") else { throw failure("expected an object") }
        position += 1
        skipWhitespace()
        if current == UInt8(ascii: "}") { position += 1; return false }
        return true
    }

    /// A member's name and the `:` after it.
    private mutating func memberName() throws(StoreError) -> String {
        skipWhitespace()
        guard current == UInt8(ascii: "\"") else { throw failure("expected a member name in quotes") }
        let key = try string()
        skipWhitespace()
        guard current == UInt8(ascii: ":") else { throw failure("expected ':' after \"\(key)\"") }
        position += 1
        skipWhitespace()
        return key
    }

    /// After a member's value: true when `,` (another member follows), false when `}` ended it.
    private mutating func nextMember() throws(StoreError) -> Bool {
        skipWhitespace()
        guard let c = current else { throw failure("unexpected end inside an object") }
        position += 1
        if c == UInt8(ascii: ",") { return true }
        guard c == UInt8(ascii: "}") else { throw failure("expected ',' or '}'") }
        return false
    }

    private mutating func isNull() throws(StoreError) -> Bool {
        guard current == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    private mutating func optionalString(_ what: String) throws(StoreError) -> String? {
        try isNull() ? nil : try string(what)
    }

    /// An object whose values are all strings (annotations).
    private mutating func optionalStringMap(_ what: String, depth: Int) throws(StoreError) -> [String: String]? {
        if try isNull() { return nil }
        guard current == UInt8(ascii: "{") else { throw failure("\(what) must be an object of strings") }
        var map: [String: String] = [:]
        if try beginObject() {
            repeat {
                let key = try memberName()
                let value = try string("\(what) value of \"\(key)\"")
                guard map.updateValue(value, forKey: key) == nil else { throw failure("\(what) has \"\(key)\" twice") }
            } while try nextMember()
        }
        return map
    }

    /// A non-negative or negative integer written without fraction or exponent, fitting Int.
    private mutating func integer(_ what: String) throws(StoreError) -> Int {
        let start = position
        let range = try number()
        let text = UnsafeRawBufferPointer(rebasing: bytes[range])
        var value = 0
        var negative = false
        for (k, c) in text.enumerated() {
            if k == 0 && c == UInt8(ascii: "-") { negative = true; continue }
            guard c >= 0x30 && c <= 0x39 else {
                position = start
                throw failure("\(what) must be an integer")
            }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int(c - 0x30))
            guard !o1 && !o2 else {
                position = start
                throw failure("\(what) is too large")
            }
            value = s
        }
        return negative ? -value : value
    }

    private mutating func literal(_ word: StaticString) throws(StoreError) {
        let n = word.utf8CodeUnitCount
        guard bytes.count - position >= n else { throw failure("unexpected end of the file") }
        for k in 0..<n where bytes[position + k] != word.utf8Start[k] { throw failure("expected `\(word)`") }
        position += n
    }

    /// Any value, checked and skipped.
    private mutating func skipValue(depth: Int) throws(StoreError) {
        guard depth < IndexParser.maxDepth else { throw failure("values nest deeper than \(IndexParser.maxDepth) levels") }
        skipWhitespace()
        guard let c = current else { throw failure("unexpected end of the file") }
        switch c {
        case UInt8(ascii: "{"):
            if try beginObject() {
                repeat {
                    _ = try memberName()
                    try skipValue(depth: depth + 1)
                } while try nextMember()
            }
        case UInt8(ascii: "["):
            position += 1
            skipWhitespace()
            if current == UInt8(ascii: "]") { position += 1; return }
            while true {
                try skipValue(depth: depth + 1)
                skipWhitespace()
                guard let d = current else { throw failure("unexpected end inside an array") }
                position += 1
                if d == UInt8(ascii: "]") { return }
                guard d == UInt8(ascii: ",") else { throw failure("expected ',' or ']'") }
            }
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try number()
        default: throw failure("unexpected character 0x\(String(c, radix: 16))")
        }
    }

    /// A number's text, checked against the JSON grammar.
    private mutating func number() throws(StoreError) -> Range<Int> {
        let start = position
        func digits(_ p: inout Int) -> Int {
            let from = p
            while p < bytes.count, bytes[p] >= 0x30, bytes[p] <= 0x39 { p += 1 }
            return p - from
        }
        var p = position
        if p < bytes.count, bytes[p] == UInt8(ascii: "-") { p += 1 }
        guard p < bytes.count, bytes[p] >= 0x30, bytes[p] <= 0x39 else { throw failure("expected a number") }
        if bytes[p] == 0x30 { p += 1 } else { _ = digits(&p) }
        if p < bytes.count, bytes[p] == UInt8(ascii: ".") {
            p += 1
            guard digits(&p) > 0 else { position = p; throw failure("expected digits after '.'") }
        }
        if p < bytes.count, bytes[p] == UInt8(ascii: "e") || bytes[p] == UInt8(ascii: "E") {
            p += 1
            if p < bytes.count, bytes[p] == UInt8(ascii: "+") || bytes[p] == UInt8(ascii: "-") { p += 1 }
            guard digits(&p) > 0 else { position = p; throw failure("expected digits in the exponent") }
        }
        position = p
        return start..<p
    }

    private mutating func string(_ what: String) throws(StoreError) -> String {
        guard current == UInt8(ascii: "\"") else { throw failure("\(what) must be a string") }
        return try string()
    }

    /// A string at the current `"`: escapes decoded, UTF-8 checked.
    private mutating func string() throws(StoreError) -> String {
        guard current == UInt8(ascii: "\"") else { throw failure("expected a string") }
        position += 1
        let start = position
        var ascii = true
        // Fast path: no escapes, the common case for every string the store writes.
        while position < bytes.count {
            let c = bytes[position]
            if c == UInt8(ascii: "\"") {
                let text = UnsafeRawBufferPointer(rebasing: bytes[start..<position])
                position += 1
                if ascii { return String(decoding: text, as: UTF8.self) }
                guard let s = String(validating: text, as: UTF8.self) else {
                    position = start
                    throw failure("a string is not valid UTF-8")
                }
                return s
            }
            if c == UInt8(ascii: "\\") { break }
            guard c >= 0x20 else { throw failure("a control character inside a string must be escaped") }
            if c >= 0x80 { ascii = false }
            position += 1
        }
        var out = Array(bytes[start..<position])
        while true {
            guard let c = current else { throw failure("a string is not terminated") }
            position += 1
            switch c {
            case UInt8(ascii: "\""):
                guard let s = String(validating: out, as: UTF8.self) else { throw failure("a string is not valid UTF-8") }
                return s
            case UInt8(ascii: "\\"):
                if let problem = JSONEscape.decode(bytes, at: &position, into: &out) { throw failure(problem) }
            default:
                guard c >= 0x20 else { throw failure("a control character inside a string must be escaped") }
                out.append(c)
            }
        }
    }
}
