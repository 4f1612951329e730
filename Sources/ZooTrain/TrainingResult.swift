/// The outcome of `Trainer.train`.
public struct TrainingResult: Sendable {
    /// One entry per epoch.
    public var history: [EpochMetrics]
    /// Every tensor after training, by checkpoint name (frozen ones unchanged).
    public var tensors: [String: [Float]]
    /// Leading layers that did not train.
    public var frozenLayers: Int
    /// Samples run through the frozen prefix (training and validation, every epoch), counted
    /// where a prefix exists: with cached features only those computed for the cache, and none
    /// when the cache had them.
    public var backboneForwardSamples = 0
    /// What the feature cache did for the training and validation data (empty without one).
    public var featureCache: [FeatureCacheEvent] = []
}
