/// Classification quality on a dataset.
public struct Evaluation: Sendable, Equatable, Codable {
    /// Examples evaluated.
    public var count: Int
    /// Mean cross-entropy (no smoothing).
    public var loss: Double
    /// Fraction classified right.
    public var accuracy: Double
    /// Per true class: fraction classified right, nil for a class with no examples.
    public var perClassAccuracy: [Double?]
    /// `confusion[true][predicted]` counts.
    public var confusion: [[Int]]
}
