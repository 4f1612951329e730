import ZooFormat
import ZooData

/// Training data: CSV (plain or gzip) as `zoo train`, `evaluate` and `predict` read it.
enum DataTargets {
    /// Input: a CSV file's bytes, gzip-compressed or not. Loading must succeed or throw, and a
    /// dataset that loads has as many labels as rows and features to match.
    static func csv(_ input: [UInt8]) {
        let path = Scratch.write("data.csv", input)
        guard let data = try? Dataset.load(csvAt: path, maxBytes: 1 << 24) else { return }
        FuzzCheck.require(data.features.count == data.count * data.featureCount, "features do not match the rows")
        FuzzCheck.require(data.labels.allSatisfy { $0 >= 0 }, "a negative label was loaded")
    }
}
