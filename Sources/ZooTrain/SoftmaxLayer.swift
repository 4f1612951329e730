import Foundation

/// Softmax over the last dimension (max-subtracted for stability).
public final class SoftmaxLayer: NetworkLayer {
    private var output = Tensor(zeros: [0])

    /// A softmax layer.
    public init() {}

    /// Softmax of each row of length `width`, in place.
    static func softmaxRows(_ p: UnsafeMutableBufferPointer<Float>, width: Int) {
        let rows = p.count / max(1, width)
        for r in 0..<rows {
            let row = p.baseAddress! + r * width
            var m = -Float.infinity
            for j in 0..<width { m = max(m, row[j]) }
            var s: Float = 0
            for j in 0..<width { row[j] = exp(row[j] - m); s += row[j] }
            let inv = 1 / s
            for j in 0..<width { row[j] *= inv }
        }
    }

    /// See `NetworkLayer.forward(_:training:)`.
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        var y = x
        let width = x.shape.last ?? 1
        y.data.withUnsafeMutableBufferPointer { Self.softmaxRows($0, width: width) }
        output = y
        return y
    }

    /// See `NetworkLayer.releaseSaved()`: the output, which backward reads.
    public func releaseSaved() { output = Tensor(zeros: [0]) }

    /// See `NetworkLayer.backward(_:inputGradient:parameterGradients:)`.
    public func backward(_ gy: Tensor, inputGradient: Bool, parameterGradients: Bool) -> Tensor? {
        guard inputGradient else { return nil }
        let width = output.shape.last ?? 1
        var gx = gy
        for r in 0..<(gy.count / max(1, width)) {
            var dot: Float = 0
            for j in 0..<width { dot += gy.data[r * width + j] * output.data[r * width + j] }
            for j in 0..<width { gx.data[r * width + j] = output.data[r * width + j] * (gy.data[r * width + j] - dot) }
        }
        return gx
    }
}
