import Foundation

/// Elementwise activations with PyTorch's definitions: ReLU, ReLU6, GELU (exact erf form, PyTorch's
/// default), tanh, sigmoid, hardsigmoid (`relu6(x + 3) / 6`), hardswish (`x * relu6(x + 3) / 6`)
/// and SiLU (`x * sigmoid(x)`).
///
/// Functions whose derivative can be read from the output (ReLU, ReLU6, tanh, sigmoid) keep the
/// output and work in place: `forward(updating:)` writes over its argument when nothing else holds
/// it, as PyTorch's `inplace=True`. The others keep the input and write a new output. Large
/// tensors are split over the cores; every element is computed the same way however they are split.
public final class ActivationLayer: NetworkLayer {
    /// Which function.
    public enum Kind: Sendable, CaseIterable {
        case relu, relu6, gelu, tanh, sigmoid, hardsigmoid, hardswish, silu

        /// True when backward needs only the output, so forward may overwrite its input.
        var derivativeFromOutput: Bool {
            switch self {
            case .relu, .relu6, .tanh, .sigmoid: return true
            case .gelu, .hardsigmoid, .hardswish, .silu: return false
            }
        }
    }

    /// Which function this layer applies.
    public let kind: Kind
    /// The output (for `derivativeFromOutput` kinds) or the input of the last forward.
    private var saved = Tensor(zeros: [0])

    /// An activation layer.
    public init(_ kind: Kind) { self.kind = kind }

    /// See `NetworkLayer.forward(_:training:)`.
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        var y = x
        forward(updating: &y, training: training)
        return y
    }

    /// See `NetworkLayer.forward(updating:training:)`.
    public func forward(updating x: inout Tensor, training: Bool) {
        let kind = self.kind
        if kind.derivativeFromOutput {
            let count = x.count
            x.data.withUnsafeMutableBufferPointer { p in
                guard let base = p.baseAddress else { return }
                Parallel.forEachRange(count) { r in Self.apply(kind, UnsafePointer(base), base, r) }
            }
            saved = x
        } else {
            saved = x
            let y = x.data.withUnsafeBufferPointer { px in
                Elementwise.array(count: px.count) { dst in
                    guard let src = px.baseAddress else { return }
                    Parallel.forEachRange(px.count) { r in Self.apply(kind, src, dst, r) }
                }
            }
            x = Tensor(shape: x.shape, data: y)
        }
    }

    /// See `NetworkLayer.releaseSaved()`.
    public func releaseSaved() { saved = Tensor(zeros: [0]) }

    /// Elements kept for backward (tests of `releaseSaved`).
    var savedElements: Int { saved.count }

    /// See `NetworkLayer.backward(_:inputGradient:parameterGradients:)`.
    public func backward(_ gy: Tensor, inputGradient: Bool, parameterGradients: Bool) -> Tensor? {
        guard inputGradient else { return nil }
        var gx = gy
        backward(updating: &gx, inputGradient: true, parameterGradients: parameterGradients)
        return gx
    }

    /// See `NetworkLayer.backward(updating:inputGradient:parameterGradients:)`.
    public func backward(updating g: inout Tensor, inputGradient: Bool, parameterGradients: Bool) {
        guard inputGradient else { return }
        let kind = self.kind
        let count = g.count
        g.data.withUnsafeMutableBufferPointer { pg in
            saved.data.withUnsafeBufferPointer { ps in
                guard let gb = pg.baseAddress, let sb = ps.baseAddress else { return }
                Parallel.forEachRange(count) { r in Self.differentiate(kind, gb, sb, r) }
            }
        }
    }

    /// `dst = f(src)` over `r`.
    @inline(__always)
    static func apply(_ kind: Kind, _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ r: Range<Int>) {
        typealias V = Elementwise.V
        let zero = V(repeating: 0), three = V(repeating: 3), six = V(repeating: 6)
        switch kind {
        case .relu:
            // `x <= 0 ? 0 : x`, as Swift's `max(x, 0)` and PyTorch's threshold: -0 becomes +0, NaN stays.
            Elementwise.map(src, dst, r, { $0.replacing(with: 0, where: $0 .<= zero) }, { $0 <= 0 ? 0 : $0 })
        case .relu6:
            Elementwise.map(src, dst, r, { clamp6($0) }, clamp6)
        case .hardsigmoid:
            Elementwise.map(src, dst, r, { clamp6($0 + three) / six }, { clamp6($0 + 3) / 6 })
        case .hardswish:
            Elementwise.map(src, dst, r, { $0 * clamp6($0 + three) / six }, { $0 * clamp6($0 + 3) / 6 })
        case .gelu:
            Elementwise.map(src, dst, r, { Elementwise.lanes($0, gelu) }, gelu)
        case .tanh:
            Elementwise.map(src, dst, r, { Elementwise.lanes($0, Foundation.tanh) }, Foundation.tanh)
        case .sigmoid:
            Elementwise.map(src, dst, r, { Elementwise.lanes($0, sigmoid) }, sigmoid)
        case .silu:
            Elementwise.map(src, dst, r, { Elementwise.lanes($0, { $0 * sigmoid($0) }) }, { $0 * sigmoid($0) })
        }
    }

    /// `g *= f'(…)` over `r`, where `s` is what forward saved (output or input), with PyTorch's
    /// one-sided choices at the kinks (ReLU: 0 at 0; ReLU6: 0 at 0 and 6; hardswish: 0 below -3,
    /// `x/3 + 1/2` on [-3, 3], 1 above).
    @inline(__always)
    static func differentiate(_ kind: Kind, _ g: UnsafeMutablePointer<Float>, _ s: UnsafePointer<Float>, _ r: Range<Int>) {
        typealias V = Elementwise.V
        let zero = V(repeating: 0), one = V(repeating: 1), three = V(repeating: 3), six = V(repeating: 6)
        let gp = UnsafePointer(g)
        switch kind {
        case .relu:
            Elementwise.zip(gp, s, g, r, { g, y in g.replacing(with: 0, where: y .<= zero) }, { g, y in y <= 0 ? 0 : g })
        case .relu6:
            Elementwise.zip(gp, s, g, r, { g, y in g.replacing(with: 0, where: (y .<= zero) .| (y .>= six)) },
                            { g, y in y <= 0 || y >= 6 ? 0 : g })
        case .hardsigmoid:
            Elementwise.zip(gp, s, g, r, { g, x in (g / six).replacing(with: 0, where: (x .<= -three) .| (x .>= three)) },
                            { g, x in x > -3 && x < 3 ? g / 6 : 0 })
        case .hardswish:
            Elementwise.zip(gp, s, g, r, { g, x in
                (g * (x / three + 0.5)).replacing(with: 0, where: x .< -three).replacing(with: g, where: x .> three)
            }, { g, x in x < -3 ? 0 : (x <= 3 ? g * (x / 3 + 0.5) : g) })
        case .gelu:
            Elementwise.zip(gp, s, g, r, { g, x in g * Elementwise.lanes(x, geluDerivative) }, { g, x in g * geluDerivative(x) })
        case .tanh:
            Elementwise.zip(gp, s, g, r, { g, y in g * (one - y * y) }, { g, y in g * (1 - y * y) })
        case .sigmoid:
            Elementwise.zip(gp, s, g, r, { g, y in g * (y * (one - y)) }, { g, y in g * (y * (1 - y)) })
        case .silu:
            Elementwise.zip(gp, s, g, r, { g, x in g * Elementwise.lanes(x, siluDerivative) }, { g, x in g * siluDerivative(x) })
        }
    }
}

/// `min(max(x, 0), 6)` with Swift's `max`/`min` semantics, lane by lane the same as the scalar form.
@inline(__always) private func clamp6(_ v: Elementwise.V) -> Elementwise.V {
    let t = v.replacing(with: 0, where: v .<= Elementwise.V(repeating: 0))
    return t.replacing(with: 6, where: t .>= Elementwise.V(repeating: 6))
}

@inline(__always) private func clamp6(_ x: Float) -> Float {
    let t = x <= 0 ? 0 : x
    return t >= 6 ? 6 : t
}

@inline(__always) private func sigmoid(_ x: Float) -> Float { 1 / (1 + exp(-x)) }

@inline(__always) private func gelu(_ x: Float) -> Float { 0.5 * x * (1 + erf(x * Float(0.5.squareRoot()))) }

@inline(__always) private func geluDerivative(_ x: Float) -> Float {
    0.5 * (1 + erf(x * Float(0.5.squareRoot()))) + x * exp(-0.5 * x * x) * Float(1 / (2 * Double.pi).squareRoot())
}

@inline(__always) private func siluDerivative(_ x: Float) -> Float {
    let s = sigmoid(x)
    return s * (1 + x * (1 - s))
}
