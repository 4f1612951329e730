/// One example's prediction.
public struct Prediction: Sendable, Equatable, Codable {
    /// Arg-max class.
    public var label: Int
    /// Softmax probabilities over the classes.
    public var probabilities: [Float]
}
