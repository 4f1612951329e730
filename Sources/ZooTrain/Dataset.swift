import Foundation
import ZooFormat
import ZooModel

/// Labelled examples: a row of features and an integer class label per example.
public struct Dataset: Sendable, Equatable {
    /// Row-major `[count, featureCount]`.
    public var features: [Float]
    /// Features per example.
    public var featureCount: Int
    /// Class index per example.
    public var labels: [Int]

    /// A dataset over the given rows.
    public init(features: [Float], featureCount: Int, labels: [Int]) {
        precondition(features.count == featureCount * labels.count, "features do not match \(labels.count) rows of \(featureCount)")
        self.features = features
        self.featureCount = featureCount
        self.labels = labels
    }

    /// The number of examples.
    public var count: Int { labels.count }

    /// One more than the largest label (0 for an empty set).
    public var classCount: Int { (labels.max() ?? -1) + 1 }

    /// The examples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> Dataset {
        var f = [Float]()
        f.reserveCapacity(indices.count * featureCount)
        for i in indices { f.append(contentsOf: features[(i * featureCount)..<((i + 1) * featureCount)]) }
        return Dataset(features: f, featureCount: featureCount, labels: indices.map { labels[$0] })
    }

    /// A seeded split into training and validation sets. Stratified, each class gives the same
    /// fraction (rounded) to validation, so small classes are not left out.
    public func split(validationFraction: Double, seed: UInt64, stratified: Bool = true) -> (train: Dataset, validation: Dataset) {
        var generator = SeededRandom.splitMix(seed: seed)
        var trainIdx: [Int] = [], valIdx: [Int] = []
        let groups: [[Int]]
        if stratified {
            // A dictionary, not an array indexed by label: a stray huge label must not allocate.
            var byClass: [Int: [Int]] = [:]
            for (i, l) in labels.enumerated() { byClass[l, default: []].append(i) }
            groups = byClass.keys.sorted().map { byClass[$0] ?? [] }
        } else {
            groups = [Array(0..<count)]
        }
        for var group in groups {
            generator.shuffle(&group)
            let take = Int((Double(group.count) * validationFraction).rounded())
            valIdx += group.prefix(take)
            trainIdx += group.dropFirst(take)
        }
        // Restore a class-mixed order; training shuffles per epoch anyway.
        trainIdx.sort()
        valIdx.sort()
        return (subset(trainIdx), subset(valIdx))
    }

    /// The rows with `x' = (x - mean) / std` applied per feature (or one value for all).
    ///
    /// A normalisation may come from a model's metadata, so its sizes and divisors are checked.
    public func normalized(_ n: Normalization) throws(TrainError) -> Dataset {
        for (name, values) in [("mean", n.mean), ("std", n.std)] where values.count != 1 && values.count != featureCount {
            throw TrainError(.invalidData, "the normalisation's \(name) has \(values.count) values but the data has \(featureCount) features; refit it on this data")
        }
        guard n.std.allSatisfy({ $0 != 0 && $0.isFinite }), n.mean.allSatisfy({ $0.isFinite }) else {
            throw TrainError(.invalidData, "the normalisation has a zero or non-finite std or mean; refit it")
        }
        var out = self
        let f = featureCount
        for i in 0..<out.features.count {
            let j = i % f
            let mean = n.mean.count == 1 ? n.mean[0] : n.mean[j]
            let std = n.std.count == 1 ? n.std[0] : n.std[j]
            out.features[i] = Float((Double(features[i]) - mean) / std)
        }
        return out
    }

    /// The normalisation `method` fitted on these rows (use the training set's for validation and test).
    public func fitNormalization(_ method: NormalizationMethod) -> Normalization? {
        switch method {
        case .none:
            return nil
        case .scale(let divisor):
            return Normalization(mean: [0], std: [divisor])
        case .maxAbs:
            let m = features.reduce(Float(0)) { max($0, abs($1)) }
            return Normalization(mean: [0], std: [m > 0 ? Double(m) : 1])
        case .standardize:
            var mean = [Double](repeating: 0, count: featureCount), std = mean
            for i in 0..<features.count { mean[i % featureCount] += Double(features[i]) }
            for j in 0..<featureCount { mean[j] /= Double(max(1, count)) }
            for i in 0..<features.count { let d = Double(features[i]) - mean[i % featureCount]; std[i % featureCount] += d * d }
            // Constant features (std 0) keep a divisor of 1 instead of blowing up.
            for j in 0..<featureCount { let s = (std[j] / Double(max(1, count))).squareRoot(); std[j] = s > 1e-12 ? s : 1 }
            return Normalization(mean: mean, std: std)
        }
    }
}
