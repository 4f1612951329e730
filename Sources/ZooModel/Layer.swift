/// One layer of a model description: a name, an op, and the tensors it owns.
public struct Layer: Sendable, Equatable, Hashable {
    /// Unique within the model (for example `features.3` or `head.0`).
    public var name: String
    public var op: LayerOp
    /// Tensor role -> tensor name in the checkpoint. Roles for runnable ops are `weight`, `bias`,
    /// `running_mean`, `running_var`; for an inferred block the role is the tensor name with the
    /// block's prefix removed.
    public var tensors: [String: String]
    /// Input shape without the batch dimension, when known (runnable models).
    public var inputShape: [Int]?
    /// Output shape without the batch dimension, when known (runnable models).
    public var outputShape: [Int]?

    public init(name: String, op: LayerOp, tensors: [String: String] = [:],
                inputShape: [Int]? = nil, outputShape: [Int]? = nil) {
        self.name = name
        self.op = op
        self.tensors = tensors
        self.inputShape = inputShape
        self.outputShape = outputShape
    }
}
