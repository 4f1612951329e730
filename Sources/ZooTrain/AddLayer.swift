/// Elementwise sum of two or more equal shapes (residual connections). The output is written
/// over the first input when the block hands it over; backward passes the output's gradient to
/// every input without copying it.
public final class AddLayer: MergeLayer {
    private var inputCount = 0

    /// An add node.
    public init() {}

    /// See `MergeLayer.forward(_:training:)`.
    public func forward(_ inputs: inout [Tensor], training: Bool) -> Tensor {
        inputCount = inputs.count
        var out = inputs[0]
        inputs[0] = Tensor(zeros: [0])
        for k in 1..<inputs.count { Self.accumulate(&out, inputs[k]) }
        return out
    }

    /// See `MergeLayer.backward(_:needed:)`.
    public func backward(_ gy: Tensor, needed: [Bool]) -> [Tensor?] {
        needed.map { $0 ? gy : nil }
    }

    /// `sum += addend` elementwise (equal element counts), on all cores for large tensors.
    static func accumulate(_ sum: inout Tensor, _ addend: Tensor) {
        let count = sum.count
        sum.data.withUnsafeMutableBufferPointer { ps in
            addend.data.withUnsafeBufferPointer { pa in
                guard let s = ps.baseAddress, let a = pa.baseAddress else { return }
                Parallel.forEachRange(count) { r in Elementwise.zip(UnsafePointer(s), a, s, r, { $0 + $1 }, { $0 + $1 }) }
            }
        }
    }
}
