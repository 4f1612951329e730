import Foundation
import ZooFormat

extension Dataset {
    /// Reads rows of `width` features, or `width` features then an integer label (inputs to
    /// predict; a first line that is not numeric is a header; gzip accepted). The result has
    /// labels when every row had one.
    public static func loadRows(at path: String, width: Int, maxBytes: Int = 1 << 30) throws(DataError) -> Dataset {
        guard FileManager.default.fileExists(atPath: path) else {
            throw DataError(.io, "data file '\(path)' does not exist or cannot be read; give a CSV file of \(width) features per row")
        }
        var bytes = try DataFile.read(path, maxBytes: maxBytes, what: "data")
        if Gzip.isGzip(bytes) {
            do { bytes = try Gzip.decompress(bytes, maxOutputBytes: maxBytes) } catch {
                throw DataError(.invalidData, "data file '\(path)': \(error.message)")
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DataError(.invalidData, "data file '\(path)' is not UTF-8 text; expected CSV")
        }
        var features: [Float] = []
        var labels: [Int] = []
        var labelled: Bool?
        for (n, line) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if fields.count == 1 && fields[0].isEmpty { continue }
            let values = fields.map { Float($0) }
            if values.contains(where: { $0 == nil }) {
                if n == 0 { continue }
                throw DataError(.invalidData, "'\(path)' line \(n + 1): a field is not a number")
            }
            let hasLabel = fields.count == width + 1
            guard fields.count == width || hasLabel else {
                throw DataError(.invalidData, "'\(path)' line \(n + 1) has \(fields.count) fields but the model's input is \(width) values; give \(width) features per row (optionally then a label)")
            }
            if let l = labelled, l != hasLabel {
                throw DataError(.invalidData, "'\(path)' line \(n + 1) has \(fields.count) fields but earlier rows have \(l ? width + 1 : width); every row needs the same width")
            }
            labelled = hasLabel
            let numbers = values.compactMap { $0 }
            guard numbers.prefix(width).allSatisfy(\.isFinite) else {
                throw DataError(.invalidData, "'\(path)' line \(n + 1): a feature is not finite")
            }
            features.append(contentsOf: numbers.prefix(width))
            if hasLabel {
                guard let label = Int(fields[width]), label >= 0 else {
                    throw DataError(.invalidData, "'\(path)' line \(n + 1): the label '\(fields[width])' is not a non-negative integer")
                }
                labels.append(label)
            }
        }
        guard labelled != nil else { throw DataError(.invalidData, "'\(path)' has no rows") }
        return Dataset(features: features, shape: [width], labels: labelled == true ? labels : nil)
    }
}
