/// Mean over height and width: `[N, C, H, W] -> [N, C]`.
public final class GlobalAvgPoolLayer: NetworkLayer {
    private var inputShape: [Int] = []

    /// A global average pool.
    public init() {}

    /// See `NetworkLayer.forward(_:training:)`.
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        inputShape = x.shape
        let planes = x.shape[0] * x.shape[1]
        let hw = x.count / max(1, planes)
        var y = Tensor(zeros: [x.shape[0], x.shape[1]])
        for p in 0..<planes {
            var s: Float = 0
            for q in 0..<hw { s += x.data[p * hw + q] }
            y.data[p] = s / Float(hw)
        }
        return y
    }

    /// See `NetworkLayer.backward(_:inputGradient:parameterGradients:)`.
    public func backward(_ gy: Tensor, inputGradient: Bool, parameterGradients: Bool) -> Tensor? {
        guard inputGradient else { return nil }
        var gx = Tensor(zeros: inputShape)
        let planes = inputShape[0] * inputShape[1]
        let hw = gx.count / max(1, planes)
        for p in 0..<planes {
            let g = gy.data[p] / Float(hw)
            for q in 0..<hw { gx.data[p * hw + q] = g }
        }
        return gx
    }
}
