import Foundation
import ZooFormat

extension Dataset {
    /// Loads a CSV file of rows `feature, ..., feature, label` (gzip-compressed files are recognised by
    /// their magic). A first line that is not numeric is taken as a header and skipped.
    public static func load(csvAt path: String, maxBytes: Int = 1 << 30) throws(DataError) -> Dataset {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw DataError(.io, "cannot open data file '\(path)'; check the path")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.readToEnd() ?? Data()
        } catch {
            throw DataError(.io, "cannot read data file '\(path)': \(error)")
        }
        var bytes = [UInt8](data)
        if Gzip.isGzip(bytes) {
            do {
                bytes = try Gzip.decompress(bytes, maxOutputBytes: maxBytes)
            } catch {
                throw DataError(.invalidData, "data file '\(path)': \(error.message)")
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DataError(.invalidData, "data file '\(path)' is not UTF-8 text; expected CSV")
        }
        do {
            return try parseCSV(text)
        } catch {
            throw DataError(error.kind, "\(path): \(error.message)")
        }
    }

    /// Parses CSV text of rows `feature, ..., feature, label`.
    public static func parseCSV(_ text: String) throws(DataError) -> Dataset {
        var features: [Float] = []
        var labels: [Int] = []
        var width: Int?
        var lineNumber = 0
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let fields = trimmed.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
            let values = fields.map { Float($0) }
            if values.contains(where: { $0 == nil }) {
                if lineNumber == 1 { continue }  // a header
                throw DataError(.invalidData, "line \(lineNumber): a field is not a number; rows must be numbers: features then an integer label")
            }
            guard fields.count >= 2 else {
                throw DataError(.invalidData, "line \(lineNumber): needs at least one feature and a label")
            }
            if let w = width, w != fields.count {
                throw DataError(.invalidData, "line \(lineNumber) has \(fields.count) fields but earlier rows have \(w); every row needs the same width")
            }
            width = fields.count
            let numbers = values.compactMap { $0 }
            guard let label = Int(fields[fields.count - 1]), label >= 0 else {
                throw DataError(.invalidData, "line \(lineNumber): the label '\(fields[fields.count - 1])' is not a non-negative integer")
            }
            guard numbers.dropLast().allSatisfy({ $0.isFinite }) else {
                throw DataError(.invalidData, "line \(lineNumber): a feature is not finite")
            }
            features.append(contentsOf: numbers.dropLast())
            labels.append(label)
        }
        guard let w = width else {
            throw DataError(.invalidData, "the data has no rows")
        }
        return Dataset(features: features, featureCount: w - 1, labels: labels)
    }
}
