import Foundation
import ZooFormat

/// A CSV listing images and their labels, `path,label` per row (a first row `path,label` is a
/// header). Paths are relative to the CSV's folder unless absolute; a path may be double-quoted
/// (then it may hold commas). Labels are either all non-negative integers (class indices) or
/// names, which become classes in sorted order as an image folder's names do. A list without
/// labels (`path` only) names files to predict.
public enum ImageList {
    /// The files, labels (nil when the list has none) and class names (when labels are names).
    public static func load(_ path: String, maxBytes: Int = 1 << 28) throws(DataError) -> (files: [String], labels: [Int]?, classNames: [String]?) {
        let bytes = try DataFile.read(path, maxBytes: maxBytes, what: "image list")
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DataError(.invalidData, "image list '\(path)' is not UTF-8 text")
        }
        let folder = (path as NSString).deletingLastPathComponent
        do {
            return try parse(text, relativeTo: folder.isEmpty ? "." : folder)
        } catch {
            throw DataError(error.kind, "\(path): \(error.message)")
        }
    }

    /// Parses list text; relative paths are resolved against `folder`.
    public static func parse(_ text: String, relativeTo folder: String) throws(DataError) -> (files: [String], labels: [Int]?, classNames: [String]?) {
        var files: [String] = [], raw: [String] = []
        var labelled: Bool?
        for (n, line) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let fields = try fieldsOf(trimmed, line: n + 1)
            if n == 0, isHeader(fields) { continue }
            guard fields.count == 1 || fields.count == 2, !fields[0].isEmpty else {
                throw DataError(.invalidData, "line \(n + 1) has \(fields.count) fields; each row is path,label (quote a path that holds a comma)")
            }
            let hasLabel = fields.count == 2
            if let l = labelled, l != hasLabel {
                throw DataError(.invalidData, "line \(n + 1) \(hasLabel ? "has" : "lacks") a label but earlier rows \(l ? "have" : "do not"); give every row a label or none")
            }
            labelled = hasLabel
            let file = fields[0].hasPrefix("/") ? fields[0] : ImageFolder.join(folder, fields[0])
            files.append(file)
            if hasLabel {
                guard !fields[1].isEmpty else { throw DataError(.invalidData, "line \(n + 1): the label is empty") }
                raw.append(fields[1])
            }
        }
        guard !files.isEmpty else { throw DataError(.invalidData, "the image list has no rows; give one path,label per row") }
        guard labelled == true else { return (files, nil, nil) }
        if raw.allSatisfy({ Int($0) != nil }) {
            var labels: [Int] = []
            for (i, text) in raw.enumerated() {
                guard let v = Int(text), v >= 0, v < 1 << 24 else {
                    throw DataError(.invalidData, "row \(i + 1): the label \(text) is not a class index from 0 to 16777215")
                }
                labels.append(v)
            }
            return (files, labels, nil)
        }
        let names = Array(Set(raw)).sorted(by: ImageFolder.codePointOrder)
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        return (files, raw.map { index[$0] ?? 0 }, names)
    }

    /// Whether CSV text lists images rather than feature rows: its first row is a `path` header,
    /// or a row other than a possible header on line 1 starts with a field that is not a number.
    public static func looksLikeList(_ text: Substring) -> Bool {
        var seen = 0
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).prefix(3) {
            let first = line.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false).first.map {
                $0.trimmingCharacters(in: .whitespaces)
            } ?? ""
            if first.isEmpty { continue }
            seen += 1
            if seen == 1 && first.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "\"")) == "path" { return true }
            if Float(first) != nil { return false }
            if seen >= 2 { return true }
        }
        return false
    }

    static func isHeader(_ fields: [String]) -> Bool {
        let lower = fields.map { $0.lowercased() }
        return lower == ["path", "label"] || lower == ["path"]
    }

    /// Splits one CSV row; a field in double quotes may hold commas and `""` for a quote.
    static func fieldsOf(_ line: String, line number: Int) throws(DataError) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false, wasQuoted = false
        var chars = Array(line)
        chars.append(",")
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count - 1 && chars[i + 1] == "\"" { current.append("\""); i += 1 } else { quoted = false }
                } else {
                    current.append(c)
                }
            } else if c == "\"" && current.trimmingCharacters(in: .whitespaces).isEmpty {
                quoted = true
                wasQuoted = true
                current = ""
            } else if c == "," {
                fields.append(wasQuoted ? current : current.trimmingCharacters(in: .whitespaces))
                current = ""
                wasQuoted = false
            } else {
                current.append(c)
            }
            i += 1
        }
        guard !quoted else { throw DataError(.invalidData, "line \(number): a quoted field is not closed") }
        return fields
    }
}
