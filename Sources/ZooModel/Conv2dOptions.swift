/// The parameters of a 2-D convolution, as PyTorch's `nn.Conv2d` has them (bias aside: a conv has
/// a bias exactly when its layer names a `bias` tensor).
///
/// The weight is `[outChannels, inChannels / groups, kernel.height, kernel.width]`. `groups` equal
/// to the input and output channel count is a depthwise convolution.
public struct Conv2dOptions: Sendable, Equatable, Hashable {
    public var outChannels: Int
    public var kernel: Size2d
    public var stride: Size2d
    public var padding: Padding2d
    public var dilation: Size2d
    /// Input and output channels are split into this many independent groups.
    public var groups: Int

    /// A convolution with every parameter given.
    public init(outChannels: Int, kernel: Size2d, stride: Size2d = Size2d(1), padding: Padding2d = .zero,
                dilation: Size2d = Size2d(1), groups: Int = 1) {
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.dilation = dilation
        self.groups = groups
    }

    /// A square convolution with the same padding on every side (schema 1's conv2d).
    public init(outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0, dilation: Int = 1, groups: Int = 1) {
        self.init(outChannels: outChannels, kernel: Size2d(kernel), stride: Size2d(stride), padding: Padding2d(padding),
                  dilation: Size2d(dilation), groups: groups)
    }

    /// True when schema 1 can express it: square kernel and stride, uniform padding, no dilation or groups.
    public var isSchema1: Bool {
        kernel.isSquare && stride.isSquare && padding.isUniform && dilation == Size2d(1) && groups == 1
    }
}
