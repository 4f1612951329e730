/// Reads `index.json` (an OCI image index) in one pass over its bytes: strict RFC 8259 JSON
/// (UTF-8 checked, no comments, no trailing commas, no lone surrogates, nesting bounded), the
/// fields the store interprets decoded, and the byte range of every manifest entry and of every
/// top-level member it does not interpret, so another tool's entries are written back exactly as
/// they were (fields the store does not know included).
///
/// Foundation's decoder took most of the time of every store command at 10,000 versions
/// (formats/store.md, "Cost"); this reader does the same checks about ten times faster.
struct IndexParser {
    /// One `manifests` entry: the descriptor's fields and where its text is.
    struct Entry {
        var descriptor: OCIDescriptor
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
            let descriptor = try self.descriptor(entry: out.count)
            out.append(Entry(descriptor: descriptor, text: start..<position))
            skipWhitespace()
            guard let c = current else { throw failure("unexpected end inside manifests") }
            position += 1
            if c == UInt8(ascii: "]") { return out }
            guard c == UInt8(ascii: ",") else { throw failure("expected ',' or ']' in manifests") }
        }
    }

    private mutating func descriptor(entry i: Int) throws(StoreError) -> OCIDescriptor {
        guard current == UInt8(ascii: "{") else { throw failure("manifest entry \(i) is not an object") }
        var mediaType: String?
        var digest: Digest?
        var size: Int64?
        var artifactType: String?
        var annotations: [String: String]?
        var seen = Set<String>()
        if try beginObject() {
            repeat {
                let key = try memberName()
                guard seen.insert(key).inserted else { throw failure("manifest entry \(i) has \"\(key)\" twice") }
                switch key {
                case "mediaType": mediaType = try string()
                case "digest":
                    let text = try string()
                    do { digest = try Digest(parsing: text) } catch {
                        throw failure("manifest entry \(i) has digest '\(text)', not sha256:<64 lowercase hex digits>")
                    }
                case "size":
                    let n = try integer("size")
                    guard n >= 0 else { throw failure("manifest entry \(i) has a negative size") }
                    size = Int64(n)
                case "artifactType": artifactType = try optionalString("artifactType")
                case "annotations": annotations = try optionalStringMap("annotations", depth: 3)
                default: try skipValue(depth: 3)
                }
            } while try nextMember()
        }
        guard let mediaType, let digest, let size else {
            throw failure("manifest entry \(i) lacks mediaType, digest or size")
        }
        return OCIDescriptor(mediaType: mediaType, digest: digest, size: size, artifactType: artifactType,
                             annotations: annotations)
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
                guard let e = current else { throw failure("a string is not terminated") }
                position += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard current == UInt8(ascii: "\\"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u") else {
                            throw failure("a lone surrogate \\u\(String(scalar, radix: 16)) in a string")
                        }
                        position += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw failure("a lone surrogate in a string") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw failure("a lone surrogate \\u\(String(scalar, radix: 16)) in a string")
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw failure("an invalid \\u escape") }
                    out.append(contentsOf: Array(String(Character(u)).utf8))
                default: throw failure("an invalid escape \\\(Unicode.Scalar(e)) in a string")
                }
            default:
                guard c >= 0x20 else { throw failure("a control character inside a string must be escaped") }
                out.append(c)
            }
        }
    }

    private mutating func hex4() throws(StoreError) -> UInt32 {
        guard bytes.count - position >= 4 else { throw failure("a \\u escape needs four hex digits") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[position]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw failure("a \\u escape needs four hex digits")
            }
            v = v << 4 | d
            position += 1
        }
        return v
    }
}
