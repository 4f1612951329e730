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
            guard input.count == 1 else {
                throw fail("dense needs a 1-D input [features]; put `flatten` or `global_avgpool` before it")
            }
            return [out]
        case .conv2d(let out, let k, let s, let p):
            guard out > 0, k > 0, s > 0, p >= 0 else { throw fail("channels, kernel and stride must be positive, padding not negative") }
            guard input.count == 3 else { throw fail("conv2d needs a 3-D input [channels, height, width]") }
            return [out, try slide(input[1], k, s, p, fail), try slide(input[2], k, s, p, fail)]
        case .maxpool2d(let k, let s), .avgpool2d(let k, let s):
            guard k > 0, s > 0 else { throw fail("kernel and stride must be positive") }
            guard input.count == 3 else { throw fail("\(name) needs a 3-D input [channels, height, width]") }
            return [input[0], try slide(input[1], k, s, 0, fail), try slide(input[2], k, s, 0, fail)]
        case .globalAvgPool:
            guard input.count == 3 else { throw fail("global_avgpool needs a 3-D input [channels, height, width]") }
            return [input[0]]
        case .flatten:
            return [try elementCount(input, fail)]
        case .relu, .gelu, .tanh, .sigmoid, .softmax:
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
        case .inferredBlock:
            throw ModelError(.notRunnable, "an inferred block has no known computation, so its output shape for input \(shapeText(input)) is unknown")
        }
    }

    /// The tensors the op needs (role -> shape) for an input shape. Dense and conv2d list a bias.
    public func parameterShapes(for input: [Int]) throws(ModelError) -> [String: [Int]] {
        _ = try outputShape(for: input)
        switch self {
        case .dense(let out):
            return ["weight": [out, input[0]], "bias": [out]]
        case .conv2d(let out, let k, _, _):
            return ["weight": [out, input[0], k, k], "bias": [out]]
        case .batchnorm:
            let c = [input[0]]
            return ["weight": c, "bias": c, "running_mean": c, "running_var": c]
        case .layernorm:
            let d = [input[input.count - 1]]
            return ["weight": d, "bias": d]
        default:
            return [:]
        }
    }

    /// Roles the op can own; the ones in `requiredRoles` must be present.
    public var knownRoles: Set<String> {
        switch self {
        case .dense, .conv2d, .layernorm: return ["weight", "bias"]
        case .batchnorm: return ["weight", "bias", "running_mean", "running_var"]
        default: return []
        }
    }

    /// Roles without which the op cannot run (a bias is optional for dense and conv2d, as in PyTorch's `bias=False`).
    public var requiredRoles: Set<String> {
        switch self {
        case .dense, .conv2d: return ["weight"]
        case .layernorm: return ["weight", "bias"]
        case .batchnorm: return ["weight", "bias", "running_mean", "running_var"]
        default: return []
        }
    }

    /// Fan-in and fan-out of the op's weight, as PyTorch computes them (`in * kh * kw`, `out * kh * kw`).
    /// Nil for ops without a weight, or when a product overflows.
    func fans(for input: [Int]) -> (fanIn: Int, fanOut: Int)? {
        let none: (String) -> ModelError = { ModelError(.shapeMismatch, $0) }
        switch self {
        case .dense(let out):
            guard let first = input.first else { return nil }
            return (first, out)
        case .conv2d(let out, let k, _, _):
            guard let first = input.first,
                  let fanIn = try? elementCount([first, k, k], none),
                  let fanOut = try? elementCount([out, k, k], none) else { return nil }
            return (fanIn, fanOut)
        default: return nil
        }
    }
}

/// Output length of a sliding window: `(n + 2p - k) / s + 1`, or an error when the window does not fit.
private func slide(_ n: Int, _ k: Int, _ s: Int, _ p: Int, _ fail: (String) -> ModelError) throws(ModelError) -> Int {
    let (twice, o1) = p.multipliedReportingOverflow(by: 2)
    let (padded, o2) = n.addingReportingOverflow(twice)
    guard !o1, !o2 else { throw fail("padding too large") }
    guard padded >= k else { throw fail("the \(k)x\(k) window is larger than the padded input (\(padded))") }
    return (padded - k) / s + 1
}
