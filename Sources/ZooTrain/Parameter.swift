/// A trainable tensor with its gradient, named as in the checkpoint.
public final class Parameter {
    /// The tensor's name in the checkpoint (for example `fc1.weight`).
    public let name: String
    /// The current values.
    public var value: Tensor
    /// dL/d(value) from the last backward pass; zeros until then.
    public var gradient: Tensor

    /// A parameter starting at `value` with a zero gradient.
    public init(name: String, value: Tensor) {
        self.name = name
        self.value = value
        self.gradient = Tensor(zeros: value.shape)
    }
}
