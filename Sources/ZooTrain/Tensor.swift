/// A dense Float32 tensor: a shape and its elements in row-major (C) order, contiguous.
///
/// Activations use PyTorch's layouts: `[N, features]` and `[N, C, H, W]`.
public struct Tensor: Sendable, Equatable {
    /// Sizes of the dimensions, outermost first.
    public var shape: [Int]
    /// The elements, row-major; `data.count == shape.reduce(1, *)`.
    public var data: [Float]

    /// A tensor over `data`; the element count must match the shape.
    public init(shape: [Int], data: [Float]) {
        precondition(shape.reduce(1, *) == data.count, "tensor shape \(shape) does not match \(data.count) elements")
        self.shape = shape
        self.data = data
    }

    /// A tensor of zeros.
    public init(zeros shape: [Int]) {
        self.shape = shape
        self.data = [Float](repeating: 0, count: shape.reduce(1, *))
    }

    /// The number of elements.
    public var count: Int { data.count }

    /// The same elements under another shape with the same element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, data: data)
    }
}
