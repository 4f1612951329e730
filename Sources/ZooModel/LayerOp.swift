/// What a layer computes, with the op's parameters. Layouts follow PyTorch (NCHW activations,
/// dense weight `[out, in]`, conv weight `[out, in, kh, kw]`).
public enum LayerOp: Sendable, Equatable, Hashable {
    /// Fully connected: `y = x W^T + b`; tensors `weight` `[out, in]`, `bias` `[out]` (optional).
    case dense(outFeatures: Int)
    /// 2-D convolution; tensors `weight` `[out, in, kh, kw]`, `bias` `[out]` (optional).
    case conv2d(outChannels: Int, kernel: Int, stride: Int, padding: Int)
    case maxpool2d(kernel: Int, stride: Int)
    case avgpool2d(kernel: Int, stride: Int)
    /// Mean over H and W: NCHW -> NC.
    case globalAvgPool
    /// NCHW (or any shape) -> N x (product of the rest).
    case flatten
    case relu
    /// GELU, exact (erf) form, as PyTorch's default.
    case gelu
    case tanh
    case sigmoid
    /// Softmax over the last dimension.
    case softmax
    case dropout(p: Double)
    /// Batch normalisation over channels (dim 1); tensors `weight`, `bias`, `running_mean`, `running_var`.
    case batchnorm(eps: Double, momentum: Double)
    /// Layer normalisation over the last dimension; tensors `weight`, `bias`.
    case layernorm(eps: Double)
    /// A block inferred from tensor names: its tensors are known, its computation is not, so a
    /// model containing one can be sliced, grafted and exported but not run.
    case inferredBlock

    /// The op's name in descriptions and layer specs.
    public var name: String {
        switch self {
        case .dense: return "dense"
        case .conv2d: return "conv2d"
        case .maxpool2d: return "maxpool2d"
        case .avgpool2d: return "avgpool2d"
        case .globalAvgPool: return "global_avgpool"
        case .flatten: return "flatten"
        case .relu: return "relu"
        case .gelu: return "gelu"
        case .tanh: return "tanh"
        case .sigmoid: return "sigmoid"
        case .softmax: return "softmax"
        case .dropout: return "dropout"
        case .batchnorm: return "batchnorm"
        case .layernorm: return "layernorm"
        case .inferredBlock: return "inferred"
        }
    }
}
