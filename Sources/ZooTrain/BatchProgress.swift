/// Progress within an epoch, for a progress bar.
public struct BatchProgress: Sendable, Equatable {
    /// 1-based epoch number.
    public var epoch: Int
    /// Batches done in this epoch.
    public var batch: Int
    /// Batches in this epoch.
    public var batches: Int
    /// This batch's loss.
    public var loss: Double
}
