import ZooModel

extension LayerOp {
    /// True for ops that own trainable tensors (a block when one of its nodes does).
    var hasParameters: Bool {
        switch self {
        case .dense, .conv2d, .batchnorm, .layernorm: return true
        case .block(let b): return b.nodes.contains { $0.op.hasParameters }
        default: return false
        }
    }
}
