/// Layer normalisation over the last dimension, as PyTorch's `LayerNorm(normalized_shape=last)`.
public final class LayerNormLayer: NetworkLayer {
    /// Scale γ over the last dimension, or nil (then 1).
    public let weight: Parameter?
    /// Shift β, or nil (then 0).
    public let bias: Parameter?
    /// Added to the variance before the square root.
    public let eps: Double
    private var xhat: [Float] = []
    private var invStd: [Float] = []
    private var inputShape: [Int] = []

    /// A layer norm over the given tensors.
    public init(weight: Parameter?, bias: Parameter?, eps: Double) {
        self.weight = weight
        self.bias = bias
        self.eps = eps
    }

    /// The weight and bias that exist.
    public var parameters: [Parameter] { [weight, bias].compactMap { $0 } }

    /// See `NetworkLayer.releaseSaved()`: the normalised input and the row statistics.
    public func releaseSaved() {
        xhat = []
        invStd = []
    }

    /// See `NetworkLayer.forward(_:training:)`.
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        inputShape = x.shape
        let d = x.shape.last ?? 1
        let rows = x.count / max(1, d)
        var y = Tensor(zeros: x.shape)
        xhat = [Float](repeating: 0, count: x.count)
        invStd = [Float](repeating: 0, count: rows)
        for r in 0..<rows {
            var s = 0.0
            for j in 0..<d { s += Double(x.data[r * d + j]) }
            let mean = s / Double(d)
            var s2 = 0.0
            for j in 0..<d { let t = Double(x.data[r * d + j]) - mean; s2 += t * t }
            let inv = Float(1 / (s2 / Double(d) + eps).squareRoot())
            invStd[r] = inv
            for j in 0..<d {
                let h = (x.data[r * d + j] - Float(mean)) * inv
                xhat[r * d + j] = h
                y.data[r * d + j] = h * (weight?.value.data[j] ?? 1) + (bias?.value.data[j] ?? 0)
            }
        }
        return y
    }

    /// See `NetworkLayer.backward(_:inputGradient:parameterGradients:)`.
    public func backward(_ gy: Tensor, inputGradient: Bool, parameterGradients: Bool) -> Tensor? {
        let d = inputShape.last ?? 1
        let rows = gy.count / max(1, d)
        var gx: Tensor? = inputGradient ? Tensor(zeros: inputShape) : nil
        var gGamma = [Float](repeating: 0, count: d), gBeta = [Float](repeating: 0, count: d)
        var dh = [Float](repeating: 0, count: d)
        for r in 0..<rows {
            var sumDh: Float = 0, sumDhH: Float = 0
            for j in 0..<d {
                let g = gy.data[r * d + j]
                gGamma[j] += g * xhat[r * d + j]
                gBeta[j] += g
                dh[j] = g * (weight?.value.data[j] ?? 1)
                sumDh += dh[j]
                sumDhH += dh[j] * xhat[r * d + j]
            }
            guard inputGradient else { continue }
            let inv = invStd[r], fd = Float(d)
            for j in 0..<d {
                gx!.data[r * d + j] = inv * (dh[j] - sumDh / fd - xhat[r * d + j] * sumDhH / fd)
            }
        }
        if parameterGradients {
            weight?.gradient = Tensor(shape: [d], data: gGamma)
            bias?.gradient = Tensor(shape: [d], data: gBeta)
        }
        return gx
    }
}
