import ZooData
import ZooFormat
import ZooModel

/// A data set's frozen-prefix outputs as a `DataSource`: sample i is the prefix's output for
/// sample i of `base` (same labels, names and order), read from memory or from a checked feature
/// file. The trainer feeds its batches to the layers after the prefix.
///
/// Samples that did not decode when the features were computed fail here with the same error,
/// so `BatchPipeline` leaves them out (and logs them) exactly as it would with the images.
public struct CachedFeatures: DataSource {
    /// Where the rows are.
    final class Rows: @unchecked Sendable {
        let values: [Float]?
        let reader: FeatureFileReader?
        let width: Int
        init(values: [Float], width: Int) { self.values = values; self.reader = nil; self.width = width }
        init(reader: FeatureFileReader) { self.values = nil; self.reader = reader; self.width = reader.layout.width }
        /// Bytes the rows take in memory.
        var memoryBytes: Int { (values?.count ?? 0) * 4 }
    }

    let rows: Rows
    let base: any DataSource
    let bad: [Int: FeatureBadRow]
    /// The entry key the features belong to.
    public let key: String
    public let sampleShape: [Int]
    public let labels: [Int]
    public let hasLabels: Bool
    public let classNames: [String]?

    init(base: any DataSource, rows: Rows, shape: [Int], bad: [FeatureBadRow], key: String) {
        self.base = base
        self.rows = rows
        self.sampleShape = shape
        self.bad = Dictionary(bad.map { ($0.index, $0) }, uniquingKeysWith: { first, _ in first })
        self.key = key
        self.labels = base.labels
        self.hasLabels = base.hasLabels
        self.classNames = base.classNames
    }

    public var count: Int { labels.count }
    /// Rows are copied (or read at a computed offset) on the caller's thread.
    public var isInMemory: Bool { true }
    public var augments: Bool { false }
    public func name(of index: Int) -> String { base.name(of: index) }

    public func loadSample(_ index: Int, random: inout SeededRandom?, into out: UnsafeMutableBufferPointer<Float>) throws(DataError) {
        try loadBatch([index], into: out)
    }

    public func loadBatch(_ indices: [Int], into out: UnsafeMutableBufferPointer<Float>) throws(DataError) {
        let width = rows.width
        precondition(out.count >= indices.count * width)
        if !bad.isEmpty, let failed = indices.first(where: { bad[$0] != nil }), let row = bad[failed] {
            throw DataError(DataError.Kind(rawValue: row.kind) ?? .undecodable, row.reason)
        }
        if let values = rows.values {
            guard let dst = out.baseAddress else { return }
            values.withUnsafeBufferPointer { src in
                guard let base = src.baseAddress else { return }
                for (r, i) in indices.enumerated() { (dst + r * width).update(from: base + i * width, count: width) }
            }
        } else if let reader = rows.reader {
            do throws(FormatError) { try reader.readRows(indices, into: out) } catch {
                throw DataError(.io, "cannot read cached features: \(error.message); run with --no-feature-cache, or drop the cache with `zoo gc --features`")
            }
        }
    }

    /// The entry's key: the features are a function of it.
    public func contentDigest() throws(DataError) -> String { "sha256:" + key }
}
