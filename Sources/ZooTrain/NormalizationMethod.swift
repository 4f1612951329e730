/// How to normalise features before training.
public enum NormalizationMethod: Sendable, Equatable, Hashable {
    /// Leave features as they are.
    case none
    /// Divide by a fixed value (16 for the digits' 0...16 pixels).
    case scale(Double)
    /// Divide by the largest absolute value in the training set.
    case maxAbs
    /// Subtract the training set's per-feature mean and divide by its per-feature standard deviation.
    case standardize
}
