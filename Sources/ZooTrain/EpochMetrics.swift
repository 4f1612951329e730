/// What one epoch achieved.
public struct EpochMetrics: Sendable, Equatable, Codable {
    /// 1-based epoch number.
    public var epoch: Int
    /// Learning rate at the epoch's last step.
    public var learningRate: Double
    /// Mean training loss over the epoch's examples (train mode, with label smoothing).
    public var trainLoss: Double
    /// Fraction of training examples classified right during the epoch.
    public var trainAccuracy: Double
    /// Validation loss in evaluation mode, when there is a validation set.
    public var validationLoss: Double?
    /// Validation accuracy, when there is a validation set.
    public var validationAccuracy: Double?
    /// Wall time of the epoch's training steps.
    public var seconds: Double
    /// Training examples per second.
    public var samplesPerSecond: Double
}
