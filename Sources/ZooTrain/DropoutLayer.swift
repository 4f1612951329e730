import ZooModel
/// Inverted dropout: in training, zeroes each element with probability `p` and scales the rest by
/// `1/(1-p)`; identity in evaluation. Masks come from a seeded generator, so runs repeat.
public final class DropoutLayer: NetworkLayer {
    /// Probability of dropping an element.
    public let p: Double
    private var generator: SeededRandom
    private var mask: [Float] = []

    /// A dropout layer drawing its masks from `seed`.
    public init(p: Double, seed: UInt64) {
        self.p = p
        self.generator = SeededRandom.splitMix(seed: seed)
    }

    /// Restarts the mask sequence (the trainer reseeds per run).
    public func reseed(_ seed: UInt64) { generator = SeededRandom.splitMix(seed: seed) }

    /// See `NetworkLayer.forward(_:training:)`.
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        guard training, p > 0 else { mask = []; return x }
        let keep = Float(1 / (1 - p))
        mask = (0..<x.count).map { _ in generator.unit() < p ? 0 : keep }
        var y = x
        for i in 0..<y.count { y.data[i] *= mask[i] }
        return y
    }

    /// See `NetworkLayer.releaseSaved()`: the mask.
    public func releaseSaved() { mask = [] }

    /// See `NetworkLayer.backward(_:inputGradient:parameterGradients:)`.
    public func backward(_ gy: Tensor, inputGradient: Bool, parameterGradients: Bool) -> Tensor? {
        guard inputGradient else { return nil }
        guard !mask.isEmpty else { return gy }
        var gx = gy
        for i in 0..<gx.count { gx.data[i] *= mask[i] }
        return gx
    }
}
