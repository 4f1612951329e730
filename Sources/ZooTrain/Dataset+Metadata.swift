import ZooModel

extension Dataset {
    /// The rows normalised as the model's metadata says (unchanged when it records none), so that
    /// evaluation and prediction see inputs as training did.
    public func normalized(for description: ModelDescription) throws(TrainError) -> Dataset {
        guard let n = description.metadata.normalization else { return self }
        return try normalized(n)
    }
}
