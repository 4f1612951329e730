/// A tensor a new layer needs: where it belongs and its shape, before any values are drawn.
public struct PlannedTensor: Sendable, Equatable, Hashable {
    /// Checkpoint name, for example `0.weight` or `head.2.bias`.
    public var name: String
    /// The owning layer's name.
    public var layer: String
    /// `weight`, `bias`, `running_mean` or `running_var`.
    public var role: String
    /// Shape in PyTorch layout.
    public var shape: [Int]
    /// The owning layer's op and input shape, which decide the fans used by initialisation.
    public var op: LayerOp
    /// The owning layer's input shape.
    public var input: [Int]

    public init(name: String, layer: String, role: String, shape: [Int], op: LayerOp, input: [Int]) {
        self.name = name
        self.layer = layer
        self.role = role
        self.shape = shape
        self.op = op
        self.input = input
    }
}
