/// The outcome of `Trainer.train`.
public struct TrainingResult: Sendable {
    /// One entry per epoch.
    public var history: [EpochMetrics]
    /// Every tensor after training, by checkpoint name (frozen ones unchanged).
    public var tensors: [String: [Float]]
    /// Leading layers that did not train.
    public var frozenLayers: Int
}
