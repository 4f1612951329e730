/// Concatenation along one dimension (counted with the batch as 0, as `torch.cat`; 1 is channels),
/// for Inception- and DenseNet-style branches. Backward hands each input its slice of the gradient.
public final class ConcatLayer: MergeLayer {
    /// The joined dimension, batch included (1: channels).
    public let dim: Int
    private var sizes: [Int] = []
    private var inputShapes: [[Int]] = []

    /// A concat node over `dim` (1 or more).
    public init(dim: Int) { self.dim = dim }

    /// See `MergeLayer.forward(_:training:)`.
    public func forward(_ inputs: inout [Tensor], training: Bool) -> Tensor {
        inputShapes = inputs.map(\.shape)
        let first = inputs[0].shape
        let outer = first[..<dim].reduce(1, *), inner = first[(dim + 1)...].reduce(1, *)
        sizes = inputs.map { $0.shape[dim] * inner }
        let width = sizes.reduce(0, +)
        var shape = first
        shape[dim] = inputs.map { $0.shape[dim] }.reduce(0, +)
        // Every element is copied from one input.
        let out = Elementwise.array(count: outer * width) { dst in
            var offset = 0
            for (k, input) in inputs.enumerated() {
                let size = sizes[k]
                input.data.withUnsafeBufferPointer { pi in
                    guard let src = pi.baseAddress else { return }
                    for o in 0..<outer { (dst + o * width + offset).initialize(from: src + o * size, count: size) }
                }
                offset += size
            }
        }
        return Tensor(shape: shape, data: out)
    }

    /// See `MergeLayer.backward(_:needed:)`.
    public func backward(_ gy: Tensor, needed: [Bool]) -> [Tensor?] {
        let width = sizes.reduce(0, +)
        let outer = gy.count / max(1, width)
        var result: [Tensor?] = []
        var offset = 0
        gy.data.withUnsafeBufferPointer { pg in
            for (k, size) in sizes.enumerated() {
                defer { offset += size }
                guard needed[k], let src = pg.baseAddress else { result.append(nil); continue }
                let g = Elementwise.array(count: outer * size) { dst in
                    for o in 0..<outer { (dst + o * size).initialize(from: src + o * width + offset, count: size) }
                }
                result.append(Tensor(shape: inputShapes[k], data: g))
            }
        }
        return result
    }
}
