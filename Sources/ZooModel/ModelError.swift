/// An error from building, checking or changing a model description: what is wrong and what to do.
///
/// Everything in `ZooModel` throws this type (`throws(ModelError)`); callers show `description`.
public struct ModelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A broad class of failure, stable for scripts and tests.
    public enum Kind: String, Sendable, Equatable {
        /// A layer spec (`dense:128,relu`) or an init scheme does not parse.
        case invalidSpec
        /// Two shapes do not fit together (a layer's input, a head's input, a label count).
        case shapeMismatch
        /// A count or index is outside its valid range (`--keep N`, `--freeze K`).
        case outOfRange
        /// A layer name is not in the description.
        case unknownLayer
        /// The description cannot be run by the trainer (inferred blocks, no input shape, ...).
        case notRunnable
        /// A description's JSON is not valid or contradicts itself.
        case malformed
    }

    /// The class of failure.
    public var kind: Kind
    /// What is wrong and what to do next.
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The message, as shown to people.
    public var description: String { message }
}
