import Foundation

/// Output helpers shared by the commands: JSON for scripts, human-readable sizes for people.
enum Output {
    /// Prints `value` as pretty, key-sorted JSON on stdout.
    static func printJSON<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        print(String(decoding: data, as: UTF8.self))
    }

    /// Writes a line to stderr.
    static func warn(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// `1.5 MB`-style size (decimal units, as `du -h --si` and Hugging Face do).
    static func bytes(_ n: UInt64) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var value = Double(n)
        var unit = 0
        while value >= 1000, unit < units.count - 1 { value /= 1000; unit += 1 }
        // The unit is appended, not formatted with %@: bridging it cost more than the number (du at 10,000 versions).
        return unit == 0 ? "\(n) B" : String(format: value < 10 ? "%.2f" : "%.1f", value) + " " + units[unit]
    }

    /// `12.3M`-style parameter count.
    static func count(_ n: Int) -> String {
        if n >= 1_000_000_000 { return String(format: "%.2fB", Double(n) / 1e9) }
        if n >= 1_000_000 { return String(format: "%.2fM", Double(n) / 1e6) }
        if n >= 10_000 { return String(format: "%.1fk", Double(n) / 1e3) }
        return "\(n)"
    }

    /// Ratio as a percentage with one decimal.
    static func percent(_ part: UInt64, of whole: UInt64) -> String {
        whole == 0 ? "-" : String(format: "%.1f%%", 100 * Double(part) / Double(whole))
    }
}
