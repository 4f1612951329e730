/// The escape sequences of a JSON string (RFC 8259 §7), decoded strictly, for zoo's hand-written
/// JSON readers (safetensors headers, the store's `index.json`). Shared so the two agree on what
/// is valid: surrogates must come in pairs, and nothing but the eight named escapes and `\uXXXX`.
public enum JSONEscape {
    /// Decodes the escape whose letter is at `position` (just after a `\`) in `bytes`, appends its
    /// UTF-8 to `out` and moves `position` past it. Returns what is wrong, or nil when it decoded.
    public static func decode(_ bytes: UnsafeRawBufferPointer, at position: inout Int, into out: inout [UInt8]) -> String? {
        guard position < bytes.count else { return "a string is not terminated" }
        let e = bytes[position]
        position += 1
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            guard var scalar = hex4(bytes, at: &position) else { return "a \\u escape needs four hex digits" }
            if (0xD800...0xDBFF).contains(scalar) {
                guard bytes.count - position >= 2, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                    return "a lone surrogate \\u\(String(scalar, radix: 16)) in a string (a high surrogate must be followed by a low one)"
                }
                position += 2
                guard let low = hex4(bytes, at: &position) else { return "a \\u escape needs four hex digits" }
                guard (0xDC00...0xDFFF).contains(low) else {
                    return "a lone surrogate \\u\(String(scalar, radix: 16)) in a string (a high surrogate must be followed by a low one)"
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                return "a lone surrogate \\u\(String(scalar, radix: 16)) in a string"
            }
            guard let u = Unicode.Scalar(scalar) else { return "an invalid \\u escape" }
            out.append(contentsOf: Array(String(Character(u)).utf8))
        default:
            return "an invalid escape \\\(Unicode.Scalar(e)) in a string"
        }
        return nil
    }

    /// The value of four hex digits at `position`, moving past them; nil when they are not there.
    static func hex4(_ bytes: UnsafeRawBufferPointer, at position: inout Int) -> UInt32? {
        guard bytes.count - position >= 4 else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[position]
            let digit: UInt32
            switch c {
            case 0x30...0x39: digit = UInt32(c - 0x30)
            case 0x41...0x46: digit = UInt32(c - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(c - 0x61 + 10)
            default: return nil
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }
}
