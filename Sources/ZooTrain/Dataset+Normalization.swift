import ZooData
import ZooModel

extension Dataset {
    /// A seeded split into training and validation sets. Stratified, each class gives the same
    /// fraction (rounded) to validation, so small classes are not left out.
    public func split(validationFraction: Double, seed: UInt64, stratified: Bool = true) -> (train: Dataset, validation: Dataset) {
        let (train, validation) = DataSplit.indices(labels: labels, validationFraction: validationFraction, seed: seed, stratified: stratified)
        return (subset(train), subset(validation))
    }

    /// The rows with `x' = (x - mean) / std` applied per feature (or one value for all).
    ///
    /// A normalisation may come from a model's metadata, so its sizes and divisors are checked.
    public func normalized(_ n: Normalization) throws(TrainError) -> Dataset {
        do throws(DataError) {
            _ = try NormalizedSource(self, n)
        } catch {
            throw TrainError(error)
        }
        var out = self
        out.features.withUnsafeMutableBufferPointer { NormalizedSource.apply(n, to: $0, width: featureCount) }
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
