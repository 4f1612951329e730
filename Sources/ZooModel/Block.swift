/// A layer that is a small directed acyclic graph of nodes (formats/model-description.md, "Blocks"):
/// a residual block, an inverted residual with squeeze-and-excitation, a concatenation of branches.
///
/// A block is one top-level layer, so `slice`, `frozen_layers` and `inspect` count it once and a cut
/// always falls where one tensor flows. The block's tensors are its layer's `tensors`, with roles
/// `NODE.ROLE` (`conv1.weight` for node `conv1`'s weight), the same form inferred blocks use.
public struct Block: Sendable, Equatable, Hashable {
    /// The name by which nodes refer to the block's input.
    public static let inputName = "input"

    /// In an order where every node comes after the nodes it reads.
    public var nodes: [BlockNode]
    /// The node whose value is the block's output.
    public var output: String

    /// A block over `nodes`; the output defaults to the last node.
    public init(nodes: [BlockNode], output: String? = nil) {
        self.nodes = nodes
        self.output = output ?? nodes.last?.name ?? Block.inputName
    }
}

/// One node of a block: an op, the names of the values it reads, and its name.
public struct BlockNode: Sendable, Equatable, Hashable {
    /// Unique in the block, not `input`; also the prefix of its tensor roles (`NAME.weight`).
    public var name: String
    /// Any op but `block` and `inferred`.
    public var op: LayerOp
    /// `input` (the block's input) or names of earlier nodes. One for most ops; two or more for
    /// `add`, `mul` and `concat`.
    public var inputs: [String]

    /// A node reading `inputs`.
    public init(name: String, op: LayerOp, inputs: [String]) {
        self.name = name
        self.op = op
        self.inputs = inputs
    }

    /// The block-layer tensor role of this node's tensor `role` (`conv1.weight`).
    public func tensorRole(_ role: String) -> String { "\(name).\(role)" }
}
