/// What a layer computes, with the op's parameters. Layouts follow PyTorch (NCHW activations,
/// dense weight `[out, in]`, conv weight `[out, in / groups, kh, kw]`).
public enum LayerOp: Sendable, Equatable, Hashable {
    /// Fully connected: `y = x W^T + b`; tensors `weight` `[out, in]`, `bias` `[out]` (optional).
    case dense(outFeatures: Int)
    /// 2-D convolution; tensors `weight` `[out, in / groups, kh, kw]`, `bias` `[out]` (optional).
    case conv2d(Conv2dOptions)
    /// Max pooling; padding counts as negative infinity.
    case maxpool2d(Pool2dOptions)
    /// Average pooling.
    case avgpool2d(Pool2dOptions)
    /// Mean over H and W: NCHW -> NC.
    case globalAvgPool
    /// PyTorch's `AdaptiveAvgPool2d(size)`: NCHW -> N C h w, each output the mean of its bin
    /// (`adaptive_avgpool2d` with size 1 is squeeze-and-excitation's squeeze, keeping `[C, 1, 1]`).
    case adaptiveAvgPool2d(Size2d)
    /// NCHW (or any shape) -> N x (product of the rest).
    case flatten
    case relu
    /// `min(max(x, 0), 6)` (MobileNetV2).
    case relu6
    /// GELU, exact (erf) form, as PyTorch's default.
    case gelu
    case tanh
    case sigmoid
    /// `relu6(x + 3) / 6` (MobileNetV3's gates).
    case hardsigmoid
    /// `x * relu6(x + 3) / 6` (MobileNetV3).
    case hardswish
    /// `x * sigmoid(x)` (SiLU, Swish; EfficientNet).
    case silu
    /// Softmax over the last dimension.
    case softmax
    /// Passes its input on (a shortcut without a downsample, a placeholder after surgery).
    case identity
    case dropout(p: Double)
    /// Batch normalisation over channels (dim 1); tensors `weight`, `bias`, `running_mean`, `running_var`.
    case batchnorm(eps: Double, momentum: Double)
    /// Layer normalisation over the last dimension; tensors `weight`, `bias`.
    case layernorm(eps: Double)
    /// Elementwise sum of two or more inputs of one shape (block nodes only): residual connections.
    case add
    /// Elementwise product of two or more inputs, broadcasting as PyTorch does (trailing dimensions
    /// equal or 1; block nodes only): squeeze-and-excitation's scaling.
    case mul
    /// Concatenation along `dim`, counted as in PyTorch with the batch as dim 0 (1: channels; block nodes only).
    case concat(dim: Int)
    /// A small graph of nodes (residual blocks and the like), one top-level layer.
    case block(Block)
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
        case .adaptiveAvgPool2d: return "adaptive_avgpool2d"
        case .flatten: return "flatten"
        case .relu: return "relu"
        case .relu6: return "relu6"
        case .gelu: return "gelu"
        case .tanh: return "tanh"
        case .sigmoid: return "sigmoid"
        case .hardsigmoid: return "hardsigmoid"
        case .hardswish: return "hardswish"
        case .silu: return "silu"
        case .softmax: return "softmax"
        case .identity: return "identity"
        case .dropout: return "dropout"
        case .batchnorm: return "batchnorm"
        case .layernorm: return "layernorm"
        case .add: return "add"
        case .mul: return "mul"
        case .concat: return "concat"
        case .block: return "block"
        case .inferredBlock: return "inferred"
        }
    }

    /// Every op name a description may use, for error messages.
    public static let knownNames = [
        "dense", "conv2d", "maxpool2d", "avgpool2d", "global_avgpool", "adaptive_avgpool2d", "flatten",
        "relu", "relu6", "gelu", "tanh", "sigmoid", "hardsigmoid", "hardswish", "silu", "softmax", "identity",
        "dropout", "batchnorm", "layernorm", "add", "mul", "concat", "block", "inferred",
    ]

    /// True for ops that read two or more values (block nodes only).
    public var isMultiInput: Bool {
        switch self {
        case .add, .mul, .concat: return true
        default: return false
        }
    }

    /// True when schema 1 (formats/model-description.md) can express this op with its parameters.
    public var isSchema1: Bool {
        switch self {
        case .dense, .globalAvgPool, .flatten, .relu, .gelu, .tanh, .sigmoid, .softmax, .dropout,
             .batchnorm, .layernorm, .inferredBlock:
            return true
        case .conv2d(let o): return o.isSchema1
        case .maxpool2d(let o), .avgpool2d(let o): return o.isSchema1
        case .adaptiveAvgPool2d, .relu6, .hardsigmoid, .hardswish, .silu, .identity, .add, .mul, .concat, .block:
            return false
        }
    }

    /// Schema 1's square convolution with uniform padding.
    public static func conv2d(outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0) -> LayerOp {
        .conv2d(Conv2dOptions(outChannels: outChannels, kernel: kernel, stride: stride, padding: padding))
    }

    /// Schema 1's square max pooling without padding.
    public static func maxpool2d(kernel: Int, stride: Int) -> LayerOp {
        .maxpool2d(Pool2dOptions(kernel: kernel, stride: stride))
    }

    /// Schema 1's square average pooling without padding.
    public static func avgpool2d(kernel: Int, stride: Int) -> LayerOp {
        .avgpool2d(Pool2dOptions(kernel: kernel, stride: stride))
    }
}
