/// The dictionary in a `.npy` header, `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`,
/// parsed as the Python literal it is, strictly: exactly the three keys, each once; string,
/// boolean and tuple-of-integers values only; nothing but spaces after the closing brace.
struct NumpyHeader: Equatable {
    var descr: String
    var fortranOrder: Bool
    var shape: [Int]

    /// Dimensions above this are refused (sizes are checked again against the bytes present).
    static let maxDimension = 1 << 48

    static func parse(_ text: String) throws(FormatError) -> NumpyHeader {
        var p = Parser(chars: Array(text.unicodeScalars))
        var descr: String?, fortran: Bool?, shape: [Int]?
        p.skipSpace()
        try p.expect("{")
        while true {
            p.skipSpace()
            if p.peek("}") { p.index += 1; break }
            let key = try p.string()
            p.skipSpace()
            try p.expect(":")
            p.skipSpace()
            switch key {
            case "descr":
                guard descr == nil else { throw bad("the key 'descr' appears twice") }
                guard p.peek("'") || p.peek("\"") else {
                    throw FormatError(.invalidArgument, "the array's dtype is structured (a list of fields); save a plain numeric array")
                }
                descr = try p.string()
            case "fortran_order":
                guard fortran == nil else { throw bad("the key 'fortran_order' appears twice") }
                fortran = try p.boolean()
            case "shape":
                guard shape == nil else { throw bad("the key 'shape' appears twice") }
                shape = try p.tuple()
            default:
                throw bad("the header has an unknown key '\(key)'; only descr, fortran_order and shape are allowed")
            }
            p.skipSpace()
            if p.peek(",") { p.index += 1; continue }
            p.skipSpace()
            guard p.peek("}") else { throw bad("expected ',' or '}' at character \(p.index + 1)") }
        }
        while p.index < p.chars.count {
            guard p.chars[p.index] == " " || p.chars[p.index] == "\n" || p.chars[p.index] == "\t" || p.chars[p.index] == "\r" else {
                throw bad("text after the header dictionary")
            }
            p.index += 1
        }
        guard let descr, let fortran, let shape else {
            throw bad("the header lacks one of descr, fortran_order and shape")
        }
        return NumpyHeader(descr: descr, fortranOrder: fortran, shape: shape)
    }

    static func bad(_ text: String) -> FormatError {
        FormatError(.malformed, "the .npy header is not valid: \(text)")
    }

    struct Parser {
        var chars: [Unicode.Scalar]
        var index = 0

        func peek(_ c: Unicode.Scalar) -> Bool { index < chars.count && chars[index] == c }

        mutating func skipSpace() {
            while index < chars.count, chars[index] == " " || chars[index] == "\n" || chars[index] == "\t" || chars[index] == "\r" { index += 1 }
        }

        mutating func expect(_ c: Unicode.Scalar) throws(FormatError) {
            guard peek(c) else { throw NumpyHeader.bad("expected '\(c)' at character \(index + 1)") }
            index += 1
        }

        /// A quoted string without escapes (dtype strings and keys need none).
        mutating func string() throws(FormatError) -> String {
            guard index < chars.count, chars[index] == "'" || chars[index] == "\"" else {
                throw NumpyHeader.bad("expected a quoted string at character \(index + 1)")
            }
            let quote = chars[index]
            index += 1
            var out = String.UnicodeScalarView()
            while index < chars.count, chars[index] != quote {
                guard chars[index] != "\\", chars[index] != "\n" else { throw NumpyHeader.bad("escapes and line breaks are not allowed in header strings") }
                out.append(chars[index])
                index += 1
                guard out.count <= 256 else { throw NumpyHeader.bad("a header string is too long") }
            }
            guard index < chars.count else { throw NumpyHeader.bad("a string is not closed") }
            index += 1
            return String(out)
        }

        mutating func boolean() throws(FormatError) -> Bool {
            for (word, value) in [("True", true), ("False", false)] {
                let w = Array(word.unicodeScalars)
                if index + w.count <= chars.count, Array(chars[index..<(index + w.count)]) == w {
                    index += w.count
                    return value
                }
            }
            throw NumpyHeader.bad("fortran_order must be True or False")
        }

        /// `()`, `(3,)`, `(2, 3)`: non-negative integers (a Python 2 `L` suffix is accepted).
        mutating func tuple() throws(FormatError) -> [Int] {
            try expect("(")
            var values: [Int] = []
            while true {
                skipSpace()
                if peek(")") { index += 1; break }
                var value = 0, digits = 0
                while index < chars.count, ("0"..."9").contains(chars[index]) {
                    value = value * 10 + Int(chars[index].value - 48)
                    digits += 1
                    index += 1
                    guard digits <= 15, value <= NumpyHeader.maxDimension else { throw NumpyHeader.bad("a dimension is too large") }
                }
                guard digits > 0 else { throw NumpyHeader.bad("the shape must be a tuple of non-negative integers") }
                if peek("L") { index += 1 }
                values.append(value)
                guard values.count <= NumpyArray.maxDimensions else { throw NumpyHeader.bad("the shape has too many dimensions") }
                skipSpace()
                if peek(",") { index += 1; continue }
                skipSpace()
                guard peek(")") else { throw NumpyHeader.bad("expected ',' or ')' in the shape") }
            }
            return values
        }
    }
}
