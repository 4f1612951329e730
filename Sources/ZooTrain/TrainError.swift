/// Why the trainer refused or failed: a stable kind for scripts and tests, and a message that says
/// what is wrong and what to do.
public struct TrainError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A broad class of failure.
    public enum Kind: String, Sendable, Equatable {
        /// The description has a layer the trainer cannot run (an inferred block).
        case unsupportedLayer
        /// The description has no input shape, or a layer's shape does not fit its input.
        case invalidShape
        /// A layer names a tensor that is not among the weights.
        case missingTensor
        /// A tensor's element count does not match the shape its layer needs.
        case tensorShapeMismatch
        /// The data file is unreadable or malformed (bad CSV, labels out of range, wrong width).
        case invalidData
        /// A hyperparameter or freeze setting is out of range.
        case invalidConfiguration
    }

    /// The class of failure.
    public var kind: Kind
    /// What went wrong and what to do next.
    public var message: String

    /// An error of `kind` saying `message`.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The message, for people.
    public var description: String { message }
}
