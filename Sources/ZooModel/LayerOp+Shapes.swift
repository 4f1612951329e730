// Shape rules (formats/model-description.md, "Shapes"). Shapes carry no batch dimension.
// Every product and sum is checked, because shapes may come from a file.

extension LayerOp {
    /// The output shape for an input shape, or an error naming both the op and the input shape.
    public func outputShape(for input: [Int]) throws(ModelError) -> [Int] {
        func fail(_ why: String) -> ModelError {
            ModelError(.shapeMismatch, "\(LayerSpec(self)) cannot take input \(shapeText(input)): \(why)")
        }
        guard !input.isEmpty, input.allSatisfy({ $0 > 0 }) else { throw fail("every dimension must be positive") }
        switch self {
        case .dense(let out):
            guard out > 0 else { throw fail("the output size must be positive") }
            // As PyTorch's Linear, over the last dimension: [features] or [tokens, features]. A 3-D
            // input is a feature map, where a dense layer is almost always a missing flatten.
            guard input.count <= 2 else {
                throw fail("dense needs a 1-D input [features] (or [tokens, features]); put `flatten` or `global_avgpool` before it")
            }
            return input.dropLast() + [out]
        case .conv2d(let o):
            guard o.outChannels > 0, o.kernel.height > 0, o.kernel.width > 0, o.stride.height > 0, o.stride.width > 0,
                  o.dilation.height > 0, o.dilation.width > 0, o.groups > 0 else {
                throw fail("channels, kernel, stride, dilation and groups must be positive")
            }
            guard o.padding.top >= 0, o.padding.left >= 0, o.padding.bottom >= 0, o.padding.right >= 0 else {
                throw fail("padding must not be negative")
            }
            guard input.count == 3 else { throw fail("conv2d needs a 3-D input [channels, height, width]") }
            guard input[0] % o.groups == 0, o.outChannels % o.groups == 0 else {
                throw fail("\(o.groups) groups must divide both the \(input[0]) input and the \(o.outChannels) output channels")
            }
            return [o.outChannels,
                    try slide(input[1], o.kernel.height, o.stride.height, o.padding.top, o.padding.bottom, o.dilation.height, false, fail),
                    try slide(input[2], o.kernel.width, o.stride.width, o.padding.left, o.padding.right, o.dilation.width, false, fail)]
        case .maxpool2d(let o), .avgpool2d(let o):
            guard o.kernel.height > 0, o.kernel.width > 0, o.stride.height > 0, o.stride.width > 0 else {
                throw fail("kernel and stride must be positive")
            }
            guard o.padding.top >= 0, o.padding.left >= 0, o.padding.bottom >= 0, o.padding.right >= 0 else {
                throw fail("padding must not be negative")
            }
            // PyTorch's rule: padding at most half the kernel, so every window sees the input.
            guard 2 * max(o.padding.top, o.padding.bottom) <= o.kernel.height,
                  2 * max(o.padding.left, o.padding.right) <= o.kernel.width else {
                throw fail("padding must be at most half the kernel")
            }
            guard input.count == 3 else { throw fail("\(name) needs a 3-D input [channels, height, width]") }
            return [input[0],
                    try slide(input[1], o.kernel.height, o.stride.height, o.padding.top, o.padding.bottom, 1, o.ceilMode, fail),
                    try slide(input[2], o.kernel.width, o.stride.width, o.padding.left, o.padding.right, 1, o.ceilMode, fail)]
        case .globalAvgPool:
            guard input.count == 3 else { throw fail("global_avgpool needs a 3-D input [channels, height, width]") }
            return [input[0]]
        case .adaptiveAvgPool2d(let s):
            guard s.height > 0, s.width > 0 else { throw fail("the output size must be positive") }
            guard input.count == 3 else { throw fail("adaptive_avgpool2d needs a 3-D input [channels, height, width]") }
            return [input[0], s.height, s.width]
        case .flatten:
            return [try elementCount(input, fail)]
        case .relu, .relu6, .gelu, .tanh, .sigmoid, .hardsigmoid, .hardswish, .silu, .softmax, .identity:
            return input
        case .dropout(let p):
            guard p >= 0, p < 1 else { throw fail("the drop probability must be in [0, 1), got \(p)") }
            return input
        case .batchnorm(let eps, let m):
            guard eps > 0, m >= 0, m <= 1 else { throw fail("eps must be positive and momentum in [0, 1]") }
            guard input.count == 1 || input.count == 3 else {
                throw fail("batchnorm needs [features] or [channels, height, width]")
            }
            return input
        case .layernorm(let eps):
            guard eps > 0 else { throw fail("eps must be positive") }
            return input
        case .add, .mul, .concat:
            throw fail("\(name) reads two or more values, so it can only be a node inside a block")
        case .block(let b):
            return try b.outputShape(for: input)
        case .inferredBlock:
            throw ModelError(.notRunnable, "an inferred block has no known computation, so its output shape for input \(shapeText(input)) is unknown")
        }
    }

    /// The tensors the op needs (role -> shape) for an input shape. Dense and conv2d list a bias.
    public func parameterShapes(for input: [Int]) throws(ModelError) -> [String: [Int]] {
        _ = try outputShape(for: input)
        switch self {
        case .dense(let out):
            return ["weight": [out, input[input.count - 1]], "bias": [out]]
        case .conv2d(let o):
            return ["weight": [o.outChannels, input[0] / o.groups, o.kernel.height, o.kernel.width], "bias": [o.outChannels]]
        case .batchnorm:
            let c = [input[0]]
            return ["weight": c, "bias": c, "running_mean": c, "running_var": c]
        case .layernorm:
            let d = [input[input.count - 1]]
            return ["weight": d, "bias": d]
        case .block(let b):
            return try b.parameterShapes(for: input)
        default:
            return [:]
        }
    }

    /// Roles the op can own; the ones in `requiredRoles` must be present.
    public var knownRoles: Set<String> {
        switch self {
        case .dense, .conv2d, .layernorm: return ["weight", "bias"]
        case .batchnorm: return ["weight", "bias", "running_mean", "running_var"]
        case .block(let b): return b.knownRoles
        default: return []
        }
    }

    /// Roles without which the op cannot run (a bias is optional for dense and conv2d, as in PyTorch's `bias=False`).
    public var requiredRoles: Set<String> {
        switch self {
        case .dense, .conv2d: return ["weight"]
        case .layernorm: return ["weight", "bias"]
        case .batchnorm: return ["weight", "bias", "running_mean", "running_var"]
        case .block(let b): return b.requiredRoles
        default: return []
        }
    }

    /// Fan-in and fan-out of the op's weight, as PyTorch computes them (`in / groups * kh * kw`,
    /// `out * kh * kw`). Nil for ops without a weight, or when a product overflows.
    func fans(for input: [Int]) -> (fanIn: Int, fanOut: Int)? {
        let none: (String) -> ModelError = { ModelError(.shapeMismatch, $0) }
        switch self {
        case .dense(let out):
            guard let last = input.last else { return nil }
            return (last, out)
        case .conv2d(let o):
            guard let first = input.first, o.groups > 0,
                  let fanIn = try? elementCount([first / o.groups, o.kernel.height, o.kernel.width], none),
                  let fanOut = try? elementCount([o.outChannels, o.kernel.height, o.kernel.width], none) else { return nil }
            return (fanIn, fanOut)
        default: return nil
        }
    }
}

/// Output length of a sliding window as PyTorch computes it:
/// `(n + before + after - dilation * (k - 1) - 1) / s + 1`, rounded down, or up in ceil mode (where
/// a last window that would start in the trailing padding is dropped); an error when the window does
/// not fit.
private func slide(_ n: Int, _ k: Int, _ s: Int, _ before: Int, _ after: Int, _ dilation: Int, _ ceil: Bool,
                   _ fail: (String) -> ModelError) throws(ModelError) -> Int {
    let (pad, o1) = before.addingReportingOverflow(after)
    let (padded, o2) = n.addingReportingOverflow(pad)
    let (span0, o3) = (k - 1).multipliedReportingOverflow(by: dilation)
    guard !o1, !o2, !o3 else { throw fail("padding or kernel too large") }
    let span = span0 + 1
    guard padded >= span else { throw fail("the \(span)-wide window is larger than the padded input (\(padded))") }
    var out = (padded - span) / s + 1
    if ceil, (padded - span) % s != 0 {
        out += 1
        if (out - 1) * s >= n + before { out -= 1 }
    }
    return out
}
