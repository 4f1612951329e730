/// The parameters of 2-D max or average pooling, as PyTorch's `nn.MaxPool2d` / `nn.AvgPool2d`.
public struct Pool2dOptions: Sendable, Equatable, Hashable {
    public var kernel: Size2d
    public var stride: Size2d
    /// Implicit padding (negative infinity for max pooling, zeros for average pooling); PyTorch
    /// allows at most half the kernel on each side.
    public var padding: Padding2d
    /// Round the output size up instead of down (a last window may start inside the right or bottom padding).
    public var ceilMode: Bool
    /// Average pooling only: divide by the whole window including padding (PyTorch's default, true)
    /// or by the pixels inside the input.
    public var countIncludePad: Bool

    /// Pooling with every parameter given.
    public init(kernel: Size2d, stride: Size2d, padding: Padding2d = .zero, ceilMode: Bool = false, countIncludePad: Bool = true) {
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.ceilMode = ceilMode
        self.countIncludePad = countIncludePad
    }

    /// A square window with uniform padding; the stride defaults to the kernel, as in PyTorch.
    public init(kernel: Int, stride: Int? = nil, padding: Int = 0, ceilMode: Bool = false, countIncludePad: Bool = true) {
        self.init(kernel: Size2d(kernel), stride: Size2d(stride ?? kernel), padding: Padding2d(padding),
                  ceilMode: ceilMode, countIncludePad: countIncludePad)
    }

    /// True when schema 1 can express it: square kernel and stride, no padding, default modes.
    public var isSchema1: Bool {
        kernel.isSquare && stride.isSquare && padding == .zero && !ceilMode && countIncludePad
    }
}
