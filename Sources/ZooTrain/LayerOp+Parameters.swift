import ZooModel

extension LayerOp {
    /// True for ops that own trainable tensors.
    var hasParameters: Bool {
        switch self {
        case .dense, .conv2d, .batchnorm, .layernorm: return true
        default: return false
        }
    }
}
