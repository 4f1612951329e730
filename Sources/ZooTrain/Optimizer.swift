import Foundation

/// Updates parameters from their gradients with PyTorch's semantics for SGD, Adam and AdamW.
public final class Optimizer {
    /// The update rule.
    public let kind: OptimizerKind
    /// L2 penalty (SGD, Adam) or decoupled decay (AdamW).
    public let weightDecay: Double
    /// Steps taken so far (Adam's bias correction uses it).
    public private(set) var stepCount = 0
    private var firstMoment: [ObjectIdentifier: [Float]] = [:]
    private var secondMoment: [ObjectIdentifier: [Float]] = [:]

    /// An optimizer with no state yet.
    public init(kind: OptimizerKind, weightDecay: Double = 0) {
        self.kind = kind
        self.weightDecay = weightDecay
    }

    /// One update of every parameter with `learningRate`.
    public func step(_ parameters: [Parameter], learningRate: Double) {
        stepCount += 1
        let lr = Float(learningRate), wd = Float(weightDecay)
        for p in parameters {
            let id = ObjectIdentifier(p)
            let n = p.value.count
            switch kind {
            case .sgd(let momentum, let nesterov):
                let mu = Float(momentum)
                var buf = firstMoment[id]
                for i in 0..<n {
                    var g = p.gradient.data[i] + wd * p.value.data[i]
                    if mu != 0 {
                        // PyTorch starts the buffer at the first gradient.
                        let b = buf == nil ? g : mu * buf![i] + g
                        if buf == nil { buf = [Float](repeating: 0, count: n) }
                        buf![i] = b
                        g = nesterov ? g + mu * b : b
                    }
                    p.value.data[i] -= lr * g
                }
                if mu != 0 { firstMoment[id] = buf }
            case .adam(let b1, let b2, let eps), .adamW(let b1, let b2, let eps):
                let decoupled: Bool
                if case .adamW = kind { decoupled = true } else { decoupled = false }
                var m = firstMoment[id] ?? [Float](repeating: 0, count: n)
                var v = secondMoment[id] ?? [Float](repeating: 0, count: n)
                let beta1 = Float(b1), beta2 = Float(b2), epsilon = Float(eps)
                let correction1 = 1 - pow(b1, Double(stepCount))
                let correction2Sqrt = Float((1 - pow(b2, Double(stepCount))).squareRoot())
                let stepSize = Float(learningRate / correction1)
                for i in 0..<n {
                    var g = p.gradient.data[i]
                    if decoupled {
                        p.value.data[i] *= 1 - lr * wd
                    } else {
                        g += wd * p.value.data[i]
                    }
                    m[i] = beta1 * m[i] + (1 - beta1) * g
                    v[i] = beta2 * v[i] + (1 - beta2) * g * g
                    let denom = v[i].squareRoot() / correction2Sqrt + epsilon
                    p.value.data[i] -= stepSize * m[i] / denom
                }
                firstMoment[id] = m
                secondMoment[id] = v
            }
        }
    }

    /// Scales all gradients so their global L2 norm is at most `maxNorm`, as
    /// `torch.nn.utils.clip_grad_norm_` (factor `maxNorm / (norm + 1e-6)`, applied only when below 1).
    /// Returns the norm before clipping; summed in Double in parameter order, so it is reproducible.
    @discardableResult
    public static func clipGradientNorm(_ parameters: [Parameter], maxNorm: Double) -> Double {
        var sum = 0.0
        for p in parameters { for g in p.gradient.data { sum += Double(g) * Double(g) } }
        let norm = sum.squareRoot()
        let factor = maxNorm / (norm + 1e-6)
        if factor < 1 {
            let f = Float(factor)
            for p in parameters { for i in 0..<p.gradient.count { p.gradient.data[i] *= f } }
        }
        return norm
    }
}
