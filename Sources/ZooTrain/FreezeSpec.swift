import ZooModel

// The trainer resolves ZooModel's `FreezeSpec` against a description; its errors are TrainErrors.
extension FreezeSpec {
    /// The number of frozen leading layers for `description` in the trainer.
    ///
    /// `backbone` is ZooModel's rule (the layers before a graft's recorded head, else the
    /// description's own `frozen_layers`), else everything below the last layer with parameters
    /// (the head of a model nobody grafted).
    public func frozenLayerCount(for description: ModelDescription) throws(TrainError) -> Int {
        if case .backbone = self, (try? frozenLayerCount(in: description)) == nil {
            guard let head = description.layers.lastIndex(where: { $0.op.hasParameters }) else {
                throw TrainError(.invalidConfiguration, "the model has no layer with parameters, so it has no head to train")
            }
            return head
        }
        do {
            return try frozenLayerCount(in: description)
        } catch {
            throw TrainError(.invalidConfiguration, error.message)
        }
    }
}
