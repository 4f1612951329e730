/// Compact JSON text for `index.json`, written by hand: keys in byte order, no spaces, `/` not
/// escaped, so the same index always gives the same bytes. Foundation's encoder took a third of
/// a second for an index of 10,000 versions; this takes a few milliseconds.
enum JSONText {
    /// Appends `s` as a JSON string: `"` and `\` escaped, control characters as `\n`-style or
    /// `\u00XX` escapes, everything else as its UTF-8 bytes.
    static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for c in s.utf8 {
            switch c {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(c)
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(c)
            case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
            case 0x08: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "b"))
            case 0x0C: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "f"))
            case 0..<0x20:
                let digits: StaticString = "0123456789abcdef"
                out.append(contentsOf: "\\u00".utf8)
                out.append(digits.utf8Start[Int(c >> 4)])
                out.append(digits.utf8Start[Int(c & 15)])
            default: out.append(c)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Appends `"key":`.
    static func appendKey(_ key: String, to out: inout [UInt8]) {
        appendString(key, to: &out)
        out.append(UInt8(ascii: ":"))
    }

    /// Appends a string-to-string object, keys in byte order.
    static func appendStringMap(_ map: [String: String], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (i, key) in sortedKeys(map.keys).enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            appendKey(key, to: &out)
            appendString(map[key] ?? "", to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Appends an integer in decimal.
    static func appendInteger<I: BinaryInteger>(_ n: I, to out: inout [UInt8]) {
        out.append(contentsOf: String(n).utf8)
    }

    /// Appends a descriptor as the store writes it:
    /// `{"annotations":…,"artifactType":…,"digest":…,"mediaType":…,"size":…}`, absent fields left out.
    static func appendDescriptor(_ d: OCIDescriptor, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        if let a = d.annotations {
            appendKey("annotations", to: &out)
            appendStringMap(a, to: &out)
            out.append(UInt8(ascii: ","))
        }
        if let t = d.artifactType {
            appendKey("artifactType", to: &out)
            appendString(t, to: &out)
            out.append(UInt8(ascii: ","))
        }
        appendKey("digest", to: &out)
        appendString(d.digest.description, to: &out)
        out.append(UInt8(ascii: ","))
        appendKey("mediaType", to: &out)
        appendString(d.mediaType, to: &out)
        out.append(UInt8(ascii: ","))
        appendKey("size", to: &out)
        appendInteger(d.size, to: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// Keys sorted by their UTF-8 bytes (what Go's encoder and most tools do too).
    static func sortedKeys(_ keys: some Sequence<String>) -> [String] {
        keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
