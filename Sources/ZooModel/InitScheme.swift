/// How new weights are drawn (formats/model-description.md, "Initialisation").
///
/// `fanIn`/`fanOut` are PyTorch's: `in` and `out` for dense, `in/groups·kh·kw` and `out·kh·kw` for
/// conv2d. Biases are zero except under `pytorch`. Norm layers always start at weight 1, bias 0,
/// running mean 0, running variance 1.
public enum InitScheme: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Kaiming/He normal for ReLU: `N(0, sqrt(2 / fanIn))` (PyTorch `kaiming_normal_`, fan_in mode).
    case he
    /// Glorot/Xavier uniform: `U(-a, a)`, `a = sqrt(6 / (fanIn + fanOut))` (PyTorch `xavier_uniform_`).
    case glorot
    /// LeCun normal: `N(0, sqrt(1 / fanIn))`.
    case lecun
    /// Normal with the given standard deviation, redrawn outside 2 std (so the sample std is about 0.88 std).
    case truncNormal(std: Double)
    /// Every weight and bias zero.
    case zeros
    /// PyTorch's default for Linear and Conv2d: weight `kaiming_uniform_(a=sqrt(5))`, that is
    /// `U(-1/sqrt(fanIn), 1/sqrt(fanIn))`, and bias `U(-1/sqrt(fanIn), 1/sqrt(fanIn))`.
    case pytorch
    /// What torchvision's ResNet and MobileNetV2/V3 constructors do: conv weights
    /// `kaiming_normal_(mode="fan_out")`, that is `N(0, sqrt(2 / fanOut))`, conv biases 0; dense
    /// weights `N(0, 0.01)`, biases 0 (MobileNet). ResNet's constructor leaves its `fc` at PyTorch's
    /// default, so in a model whose architecture is a ResNet (`ModelMetadata.architecture`
    /// containing `resnet` or `resnext`) dense layers are drawn as `pytorch` draws them.
    /// The "from scratch" baseline for a recognised network.
    case torchvision

    /// The accepted names, for error messages and `--help`.
    public static let acceptedForms = "he, glorot, lecun, trunc-normal:STD, zeros, pytorch, torchvision"

    /// True when `architecture` (`ModelMetadata.architecture`) names a ResNet family, whose
    /// constructor leaves dense layers at PyTorch's default initialisation.
    static func isResNet(_ architecture: String?) -> Bool {
        guard let a = architecture?.lowercased() else { return false }
        return a.contains("resnet") || a.contains("resnext")
    }

    /// Parses `he`, `kaiming`, `glorot`, `xavier`, `lecun`, `trunc-normal:0.02`, `zeros`, `pytorch`.
    public static func parse(_ text: String) throws(ModelError) -> InitScheme {
        let t = text.trimmingSpaces().lowercased()
        switch t {
        case "he", "kaiming": return .he
        case "glorot", "xavier": return .glorot
        case "lecun": return .lecun
        case "zeros", "zero": return .zeros
        case "pytorch", "torch": return .pytorch
        case "torchvision": return .torchvision
        default:
            for prefix in ["trunc-normal:", "trunc_normal:", "truncnormal:"] where t.hasPrefix(prefix) {
                let v = String(t.dropFirst(prefix.count))
                guard let std = Double(v), std > 0, std.isFinite else {
                    throw ModelError(.invalidSpec, "init scheme '\(text)': the standard deviation must be a positive number, got '\(v)'; accepted: \(acceptedForms)")
                }
                return .truncNormal(std: std)
            }
            if t == "trunc-normal" {
                throw ModelError(.invalidSpec, "init scheme 'trunc-normal' needs a standard deviation, for example trunc-normal:0.02")
            }
            throw ModelError(.invalidSpec, "unknown init scheme '\(text)'; accepted: \(acceptedForms)")
        }
    }

    /// The scheme in the form `parse` reads, as recorded in lineage.
    public var description: String {
        switch self {
        case .he: return "he"
        case .glorot: return "glorot"
        case .lecun: return "lecun"
        case .truncNormal(let std): return "trunc-normal:\(std)"
        case .zeros: return "zeros"
        case .pytorch: return "pytorch"
        case .torchvision: return "torchvision"
        }
    }

    /// The scheme a tensor of `op` is drawn with: itself, except `torchvision` on a dense layer of a
    /// ResNet (`architecture`), which is PyTorch's default there.
    func effective(for op: LayerOp, architecture: String?) -> InitScheme {
        if case .torchvision = self, case .dense = op, Self.isResNet(architecture) { return .pytorch }
        return self
    }

    /// The values of one new tensor, drawn from its own stream `(seed, name)`.
    ///
    /// `role` is the tensor's role in its layer (`weight`, `bias`, `running_mean`, `running_var`),
    /// `op` its layer's (or block node's) op and `input` that op's input shape (for the fans);
    /// `architecture` is the model's recognised architecture (see `torchvision`).
    public func values(name: String, role: String, shape: [Int], op: LayerOp, input: [Int],
                       seed: UInt64, architecture: String? = nil) throws(ModelError) -> [Float] {
        let scheme = effective(for: op, architecture: architecture)
        let count = try elementCount(shape) { ModelError(.shapeMismatch, "tensor '\(name)' \(shapeText(shape)): \($0)") }
        guard count <= Self.maxElements else {
            throw ModelError(.outOfRange, "tensor '\(name)' \(shapeText(shape)) has \(count) elements, more than the \(Self.maxElements) a new tensor may have")
        }
        switch op {
        case .batchnorm, .layernorm:
            let one = role == "weight" || role == "running_var"
            return [Float](repeating: one ? 1 : 0, count: count)
        default: break
        }
        guard let fans = op.fans(for: input), fans.fanIn > 0, fans.fanOut > 0 else {
            throw ModelError(.shapeMismatch, "tensor '\(name)': a \(op.name) layer with input \(shapeText(input)) has no weight to initialise")
        }
        var rng = SeededRandom(seed: seed, stream: name)
        var out = [Float](repeating: 0, count: count)
        let fanIn = Double(fans.fanIn)
        if role == "bias" {
            guard case .pytorch = scheme else { return out }
            let bound = 1 / fanIn.squareRoot()
            for i in 0..<count { out[i] = Float(rng.uniform(-bound, bound)) }
            return out
        }
        switch scheme {
        case .he:
            let std = (2 / fanIn).squareRoot()
            for i in 0..<count { out[i] = Float(rng.normal() * std) }
        case .lecun:
            let std = (1 / fanIn).squareRoot()
            for i in 0..<count { out[i] = Float(rng.normal() * std) }
        case .glorot:
            let a = (6 / (fanIn + Double(fans.fanOut))).squareRoot()
            for i in 0..<count { out[i] = Float(rng.uniform(-a, a)) }
        case .truncNormal(let std):
            for i in 0..<count { out[i] = Float(rng.truncatedNormal(std: std)) }
        case .zeros:
            break
        case .pytorch:
            let bound = 1 / fanIn.squareRoot()
            for i in 0..<count { out[i] = Float(rng.uniform(-bound, bound)) }
        case .torchvision:
            let std = Self.torchvisionStd(op, fanOut: Double(fans.fanOut))
            for i in 0..<count { out[i] = Float(rng.normal() * std) }
        }
        return out
    }

    /// `torchvision`'s weight std: `sqrt(2 / fanOut)` for convs, 0.01 for dense layers.
    static func torchvisionStd(_ op: LayerOp, fanOut: Double) -> Double {
        if case .dense = op { return 0.01 }
        return (2 / fanOut).squareRoot()
    }

    /// The most elements one new tensor may have (256 Mi Float32, 1 GiB), so a typo cannot exhaust memory.
    public static let maxElements = 1 << 28

    /// A short human description of how a tensor with this role is drawn, for graft reports.
    public func summary(role: String, op: LayerOp, input: [Int], architecture: String? = nil) -> String {
        let scheme = effective(for: op, architecture: architecture)
        switch op {
        case .batchnorm, .layernorm:
            return (role == "weight" || role == "running_var") ? "ones" : "zeros"
        default: break
        }
        let fanIn = Double(op.fans(for: input)?.fanIn ?? 1)
        let fanOut = Double(op.fans(for: input)?.fanOut ?? 1)
        func g(_ x: Double) -> String { String(Float(x)) }
        if role == "bias" {
            if case .pytorch = scheme { return "uniform ±\(g(1 / fanIn.squareRoot()))" }
            return "zeros"
        }
        switch scheme {
        case .he: return "normal std \(g((2 / fanIn).squareRoot())) (he)"
        case .lecun: return "normal std \(g((1 / fanIn).squareRoot())) (lecun)"
        case .glorot: return "uniform ±\(g((6 / (fanIn + fanOut)).squareRoot())) (glorot)"
        case .truncNormal(let std): return "normal std \(g(std)) truncated at 2 std"
        case .zeros: return "zeros"
        case .pytorch: return "uniform ±\(g(1 / fanIn.squareRoot())) (pytorch)"
        case .torchvision: return "normal std \(g(Self.torchvisionStd(op, fanOut: fanOut))) (torchvision)"
        }
    }
}
