/// A height and a width: a kernel size, a stride or a dilation of a 2-D op.
public struct Size2d: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var height: Int
    public var width: Int

    /// `height` by `width`.
    public init(height: Int, width: Int) {
        self.height = height
        self.width = width
    }

    /// The same value for both dimensions, as PyTorch's `kernel_size=3`.
    public init(_ both: Int) { self.init(height: both, width: both) }

    /// True when height equals width (written as one number in descriptions and specs).
    public var isSquare: Bool { height == width }

    /// `3` or `3x1`.
    public var description: String { isSquare ? "\(height)" : "\(height)x\(width)" }
}
