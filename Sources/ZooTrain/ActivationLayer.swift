import Foundation

/// Element-wise activations: ReLU, GELU (exact erf form, PyTorch's default), tanh and sigmoid.
public final class ActivationLayer: NetworkLayer {
    /// Which function.
    public enum Kind: Sendable { case relu, gelu, tanh, sigmoid }
    /// Which function this layer applies.
    public let kind: Kind
    private var input = Tensor(zeros: [0])
    private var output = Tensor(zeros: [0])

    /// An activation layer.
    public init(_ kind: Kind) { self.kind = kind }

    /// See `NetworkLayer.forward(_:training:)`.
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        input = x
        var y = x
        y.data.withUnsafeMutableBufferPointer { p in
            switch kind {
            case .relu: for i in 0..<p.count { p[i] = max(p[i], 0) }
            case .gelu: for i in 0..<p.count { p[i] = 0.5 * p[i] * (1 + erf(p[i] * Float(0.5.squareRoot()))) }
            case .tanh: for i in 0..<p.count { p[i] = Foundation.tanh(p[i]) }
            case .sigmoid: for i in 0..<p.count { p[i] = 1 / (1 + exp(-p[i])) }
            }
        }
        output = y
        return y
    }

    /// See `NetworkLayer.backward(_:inputGradient:parameterGradients:)`.
    public func backward(_ gy: Tensor, inputGradient: Bool, parameterGradients: Bool) -> Tensor? {
        guard inputGradient else { return nil }
        var gx = gy
        let invSqrt2 = Float(0.5.squareRoot())
        let invSqrt2Pi = Float(1 / (2 * Double.pi).squareRoot())
        gx.data.withUnsafeMutableBufferPointer { pg in
            input.data.withUnsafeBufferPointer { px in
                output.data.withUnsafeBufferPointer { py in
                    switch kind {
                    case .relu: for i in 0..<pg.count where px[i] <= 0 { pg[i] = 0 }
                    case .gelu:
                        for i in 0..<pg.count {
                            let x = px[i]
                            pg[i] *= 0.5 * (1 + erf(x * invSqrt2)) + x * exp(-0.5 * x * x) * invSqrt2Pi
                        }
                    case .tanh: for i in 0..<pg.count { pg[i] *= 1 - py[i] * py[i] }
                    case .sigmoid: for i in 0..<pg.count { pg[i] *= py[i] * (1 - py[i]) }
                    }
                }
            }
        }
        return gx
    }
}
