/// A JSON value parsed with object members kept in file order.
///
/// Foundation's parsers forget member order, but a safetensors header's order is part of its bytes:
/// keeping it lets an export reproduce the header exactly and lets errors name things in file order.
/// The parser is strict RFC 8259 (no comments, no trailing commas, no lone surrogates) and bounds its
/// nesting depth so a hostile header cannot exhaust the stack.
enum HeaderJSON: Equatable {
    case null
    case bool(Bool)
    /// A number kept as its source text; callers decide which forms they accept.
    case number(String)
    case string(String)
    case array([HeaderJSON])
    /// Members in file order (duplicates kept; callers decide what a duplicate means).
    case object([(key: String, value: HeaderJSON)])

    /// Nesting deeper than this is refused: a valid safetensors header nests three levels.
    static let maxDepth = 64

    static func == (a: HeaderJSON, b: HeaderJSON) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// A short name of the value's kind, for error messages.
    var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number(let text): return "the number \(text)"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// The value as a non-negative integer that fits `Int`, if it is written as one (no sign,
    /// fraction or exponent), as safetensors' `usize` fields require.
    var nonNegativeInt: Int? {
        guard case .number(let text) = self, !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
        else { return nil }
        return Int(text)
    }

    /// Parses one JSON document from `bytes` (which must be valid UTF-8); whitespace may surround it.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(FormatError) -> HeaderJSON {
        var parser = Parser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.position == bytes.count else {
            throw parser.failure("unexpected text after the JSON value")
        }
        return value
    }

    private struct Parser {
        let bytes: UnsafeRawBufferPointer
        var position = 0

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        func failure(_ what: String) -> FormatError {
            FormatError(.malformed, "invalid JSON at byte \(position) of the header: \(what)")
        }

        var current: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func skipWhitespace() {
            while let c = current, c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { position += 1 }
        }

        mutating func expect(_ literal: StaticString) throws(FormatError) {
            let text = UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
            guard bytes.count - position >= text.count else { throw failure("unexpected end of the header") }
            for (i, byte) in text.enumerated() where bytes[position + i] != byte {
                throw failure("expected `\(literal)`")
            }
            position += text.count
        }

        mutating func value(depth: Int) throws(FormatError) -> HeaderJSON {
            guard depth < HeaderJSON.maxDepth else {
                throw failure("values nest deeper than \(HeaderJSON.maxDepth) levels")
            }
            guard let c = current else { throw failure("unexpected end of the header") }
            switch c {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try expect("true"); return .bool(true)
            case UInt8(ascii: "f"): try expect("false"); return .bool(false)
            case UInt8(ascii: "n"): try expect("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw failure("unexpected character '\(Unicode.Scalar(c))'")
            }
        }

        mutating func object(depth: Int) throws(FormatError) -> HeaderJSON {
            position += 1
            var members: [(key: String, value: HeaderJSON)] = []
            skipWhitespace()
            if current == UInt8(ascii: "}") { position += 1; return .object(members) }
            while true {
                skipWhitespace()
                guard current == UInt8(ascii: "\"") else { throw failure("expected a member name in quotes") }
                let key = try string()
                skipWhitespace()
                guard current == UInt8(ascii: ":") else { throw failure("expected ':' after a member name") }
                position += 1
                skipWhitespace()
                members.append((key, try value(depth: depth + 1)))
                skipWhitespace()
                switch current {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "}"): position += 1; return .object(members)
                default: throw failure("expected ',' or '}' in an object")
                }
            }
        }

        mutating func array(depth: Int) throws(FormatError) -> HeaderJSON {
            position += 1
            var elements: [HeaderJSON] = []
            skipWhitespace()
            if current == UInt8(ascii: "]") { position += 1; return .array(elements) }
            while true {
                skipWhitespace()
                elements.append(try value(depth: depth + 1))
                skipWhitespace()
                switch current {
                case UInt8(ascii: ","): position += 1
                case UInt8(ascii: "]"): position += 1; return .array(elements)
                default: throw failure("expected ',' or ']' in an array")
                }
            }
        }

        mutating func number() throws(FormatError) -> String {
            let start = position
            func digits(_ p: inout Parser) -> Int {
                let s = p.position
                while let c = p.current, c >= 0x30, c <= 0x39 { p.position += 1 }
                return p.position - s
            }
            if current == UInt8(ascii: "-") { position += 1 }
            if current == UInt8(ascii: "0") {
                position += 1
            } else if digits(&self) == 0 {
                throw failure("a number needs digits")
            }
            if current == UInt8(ascii: ".") {
                position += 1
                guard digits(&self) > 0 else { throw failure("a fraction needs digits") }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                position += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
                guard digits(&self) > 0 else { throw failure("an exponent needs digits") }
            }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        }

        mutating func string() throws(FormatError) -> String {
            position += 1
            var utf8: [UInt8] = []
            while true {
                guard let c = current else { throw failure("unterminated string") }
                position += 1
                switch c {
                case UInt8(ascii: "\""):
                    return String(decoding: utf8, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    if let problem = JSONEscape.decode(bytes, at: &position, into: &utf8) { throw failure(problem) }
                case 0x00..<0x20:
                    throw failure("control character in a string (it must be escaped)")
                default:
                    utf8.append(c)
                }
            }
        }
    }
}
