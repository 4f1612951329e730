/// Zero padding on each side of a 2-D op's input, in pixels.
///
/// PyTorch pads both sides equally (`padding=(ph, pw)`); TensorFlow's "same" padding for an even
/// total puts the extra pixel at the bottom and right, which needs four values. The order of the
/// four-value JSON form is ONNX's `pads`: `[top, left, bottom, right]`.
public struct Padding2d: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var top: Int
    public var left: Int
    public var bottom: Int
    public var right: Int

    /// Padding per side.
    public init(top: Int, left: Int, bottom: Int, right: Int) {
        self.top = top
        self.left = left
        self.bottom = bottom
        self.right = right
    }

    /// `height` rows above and below, `width` columns left and right (PyTorch's `padding=(ph, pw)`).
    public init(height: Int, width: Int) { self.init(top: height, left: width, bottom: height, right: width) }

    /// The same padding on every side (PyTorch's `padding=p`).
    public init(_ all: Int) { self.init(top: all, left: all, bottom: all, right: all) }

    /// No padding.
    public static let zero = Padding2d(0)

    /// Top equals bottom and left equals right.
    public var isSymmetric: Bool { top == bottom && left == right }

    /// Every side the same.
    public var isUniform: Bool { isSymmetric && top == left }

    /// The values as written in JSON: one number, `[h, w]`, or `[top, left, bottom, right]`.
    public var jsonValues: [Int] {
        if isUniform { return [top] }
        if isSymmetric { return [top, left] }
        return [top, left, bottom, right]
    }

    /// `1`, `1x2` or `t1,l0,b2,r1`.
    public var description: String {
        if isUniform { return "\(top)" }
        if isSymmetric { return "\(top)x\(left)" }
        return "t\(top),l\(left),b\(bottom),r\(right)"
    }
}
