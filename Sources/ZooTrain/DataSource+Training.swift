import ZooData
import ZooModel

extension DataSource {
    /// The samples normalised as the model's metadata says (unchanged when it records none), so
    /// that evaluation and prediction see inputs as training did. Rows in memory are normalised
    /// once; other sources on the fly, with the same arithmetic.
    public func normalized(for description: ModelDescription) throws(TrainError) -> any DataSource {
        if let rows = self as? Dataset { return try rows.normalized(for: description) }
        guard let n = description.metadata.normalization else { return self }
        do throws(DataError) { return try NormalizedSource(self, n) } catch { throw TrainError(error) }
    }

    /// A seeded subset with `perClass` samples of every class present, as `Dataset.perClassSubset`.
    public func perClassSubset(_ perClass: Int, seed: UInt64) throws(TrainError) -> any DataSource {
        if let rows = self as? Dataset { return try rows.perClassSubset(perClass, seed: seed) }
        return subset(try DataSplit.perClass(labels: labels, perClass: perClass, seed: seed))
    }

    /// A seeded, stratified split into training and validation samples, as `Dataset.split`.
    public func split(validationFraction: Double, seed: UInt64, stratified: Bool = true) -> (train: any DataSource, validation: any DataSource) {
        if let rows = self as? Dataset {
            let (t, v) = rows.split(validationFraction: validationFraction, seed: seed, stratified: stratified)
            return (t, v)
        }
        let (t, v) = DataSplit.indices(labels: labels, validationFraction: validationFraction, seed: seed, stratified: stratified)
        return (subset(t), subset(v))
    }
}

extension DataSource {
    /// The samples normalised by `n`: rows in memory at once (`Dataset.normalized`), other
    /// sources on the fly with the same arithmetic.
    public func normalized(_ n: Normalization) throws(TrainError) -> any DataSource {
        if let rows = self as? Dataset { return try rows.normalized(n) }
        do throws(DataError) { return try NormalizedSource(self, n) } catch { throw TrainError(error) }
    }
}
