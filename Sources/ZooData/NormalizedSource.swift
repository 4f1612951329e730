import ZooFormat
import ZooModel

/// Another source with a model's feature normalisation applied to every sample,
/// `x' = (x - mean) / std` per feature (or one value for all), computed in Double as
/// `Dataset.normalized` does, so both give the same Float values.
public struct NormalizedSource: DataSource {
    /// The source the samples come from.
    public var base: any DataSource
    /// The normalisation, checked against the sample size.
    public var normalization: Normalization

    /// `base` normalised by `n`; sizes and divisors are checked (they may come from a stored model).
    public init(_ base: any DataSource, _ n: Normalization) throws(DataError) {
        let width = base.sampleCount
        for (name, values) in [("mean", n.mean), ("std", n.std)] where values.count != 1 && values.count != width {
            throw DataError(.invalidData, "the normalisation's \(name) has \(values.count) values but the data has \(width) features; refit it on this data")
        }
        guard n.std.allSatisfy({ $0 != 0 && $0.isFinite }), n.mean.allSatisfy({ $0.isFinite }) else {
            throw DataError(.invalidData, "the normalisation has a zero or non-finite std or mean; refit it")
        }
        self.base = base
        self.normalization = n
    }

    public var count: Int { base.count }
    public var labels: [Int] { base.labels }
    public var hasLabels: Bool { base.hasLabels }
    public var classNames: [String]? { base.classNames }
    public var sampleShape: [Int] { base.sampleShape }
    public var isInMemory: Bool { base.isInMemory }
    public var augments: Bool { base.augments }
    public func name(of index: Int) -> String { base.name(of: index) }

    public func loadSample(_ index: Int, random: inout SeededRandom?, into out: UnsafeMutableBufferPointer<Float>) throws(DataError) {
        try base.loadSample(index, random: &random, into: out)
        NormalizedSource.apply(normalization, to: UnsafeMutableBufferPointer(rebasing: out[0..<sampleCount]), width: sampleCount)
    }

    public func loadBatch(_ indices: [Int], into out: UnsafeMutableBufferPointer<Float>) throws(DataError) {
        try base.loadBatch(indices, into: out)
        NormalizedSource.apply(normalization, to: UnsafeMutableBufferPointer(rebasing: out[0..<(indices.count * sampleCount)]), width: sampleCount)
    }

    /// Normalises rows of `width` features in place (the sizes were checked by `init`).
    public static func apply(_ normalization: Normalization, to values: UnsafeMutableBufferPointer<Float>, width f: Int) {
        let mean = normalization.mean, std = normalization.std
        for i in 0..<values.count {
            let j = i % f
            values[i] = Float((Double(values[i]) - (mean.count == 1 ? mean[0] : mean[j])) / (std.count == 1 ? std[0] : std[j]))
        }
    }

    public func contentDigest() throws(DataError) -> String {
        var h = SHA256Hasher()
        h.update(Array("normalized \(try base.contentDigest()) mean=\(normalization.mean) std=\(normalization.std)\n".utf8))
        return "sha256:" + h.finalizeHex()
    }
}
