/// One row of `zoo inspect`'s layer table.
public struct LayerSummary: Sendable, Equatable {
    /// Position in the model, from 0.
    public var index: Int
    /// The layer's name.
    public var name: String
    /// The op in the layer-spec language (`dense:10`, `conv2d:16:3:pad1`), or `inferred block`.
    public var op: String
    /// The layer's tensor names, standard roles first.
    public var tensors: [String]
    /// Total elements of the layer's tensors whose shapes are known; nil when none is known.
    public var parameters: Int?
    /// False for the first `frozen_layers` layers.
    public var trainable: Bool
    /// Shapes without the batch dimension, when known.
    public var inputShape: [Int]?
    /// See `inputShape`.
    public var outputShape: [Int]?

    public init(index: Int, name: String, op: String, tensors: [String], parameters: Int?, trainable: Bool,
                inputShape: [Int]?, outputShape: [Int]?) {
        self.index = index
        self.name = name
        self.op = op
        self.tensors = tensors
        self.parameters = parameters
        self.trainable = trainable
        self.inputShape = inputShape
        self.outputShape = outputShape
    }
}
