import ZooModel

extension Network {
    /// Fresh tensors for every layer of `description`, as PyTorch initialises its modules: dense and
    /// conv weights and biases uniform in ±1/√fan_in (`kaiming_uniform_(a=√5)`, fan_in of a grouped
    /// conv `in/groups·kh·kw`), norm scales 1 and shifts 0, running mean 0 and variance 1. Tensors
    /// are named by the layers' `tensors` roles (a layer naming none gets every role, named
    /// `<layer>.<role>`); a block's nodes are drawn in node order, named by the block's `NODE.ROLE`
    /// roles. All values come from one SplitMix64 stream (`SeededRandom.splitMix`) in layer order. ZooModel's
    /// `ModelBuilder` has the named init schemes (one stream per tensor name), which
    /// `initialTensors(for:scheme:seed:)` uses; this one serves tests, benchmarks and experiments.
    public static func initialTensors(for description: ModelDescription, seed: UInt64) throws(TrainError) -> [String: [Float]] {
        let shapes = try shapes(for: description)
        var generator = SeededRandom.splitMix(seed: seed)
        var out: [String: [Float]] = [:]
        for (i, layer) in description.layers.enumerated() {
            // A layer that names its tensors gets exactly those (a conv without a bias role, as
            // PyTorch's bias=False, gets none; its bias is still drawn, so the stream does not
            // depend on it); one that names none gets all, as `<layer>.<role>`.
            func emit(_ drawn: [String: [Float]], role: (String) -> String) {
                for (r, values) in drawn {
                    let key = role(r)
                    if let name = layer.tensors[key] {
                        out[name] = values
                    } else if layer.tensors.isEmpty {
                        out["\(layer.name).\(key)"] = values
                    }
                }
            }
            guard case .block(let block) = layer.op else {
                var drawn: [String: [Float]] = [:]
                draw(layer.op, input: shapes[i], generator: &generator, into: &drawn)
                emit(drawn) { $0 }
                continue
            }
            // A block's nodes in order, each from its own input shape, named by the layer's
            // `NODE.ROLE` roles.
            let nodeShapes: [String: [Int]]
            do { nodeShapes = try block.nodeShapes(for: shapes[i]) } catch {
                throw TrainError(.invalidShape, "layer '\(layer.name)': \(error.message)")
            }
            for node in block.nodes {
                guard let first = node.inputs.first, let input = nodeShapes[first] else { continue }
                var drawn: [String: [Float]] = [:]
                draw(node.op, input: input, generator: &generator, into: &drawn)
                emit(drawn, role: node.tensorRole)
            }
        }
        return out
    }

    /// Fresh tensors for every layer and block node of `description` drawn with a named scheme
    /// (ZooModel's `ModelBuilder`: one stream per tensor name, fans of the op that owns the tensor;
    /// `torchvision` is the honest "from scratch" baseline for a recognised torchvision network).
    /// Tensors are named as `ModelBuilder.plannedTensors` names them.
    public static func initialTensors(for description: ModelDescription, scheme: InitScheme, seed: UInt64)
        throws(TrainError) -> [String: [Float]]
    {
        do {
            let (model, planned) = try ModelBuilder.plannedTensors(for: description)
            let drawn = try ModelBuilder.initialize(planned, scheme: scheme, seed: seed, architecture: model.metadata.architecture)
            return Dictionary(drawn.map { ($0.name, $0.values) }, uniquingKeysWith: { a, _ in a })
        } catch {
            throw TrainError(error.kind == .notRunnable ? .unsupportedLayer : .invalidShape, error.message)
        }
    }

    /// Draws the tensors of one op on `input` from `generator` (weight, then bias), keyed by role.
    private static func draw(_ op: LayerOp, input: [Int], generator: inout SeededRandom, into out: inout [String: [Float]]) {
        func uniform(_ count: Int, bound: Double) -> [Float] {
            (0..<count).map { _ in Float((generator.unit() * 2 - 1) * bound) }
        }
        switch op {
        case .dense(let outF):
            let fanIn = input.last ?? 1
            let bound = 1 / Double(fanIn).squareRoot()
            out["weight"] = uniform(outF * fanIn, bound: bound)
            out["bias"] = uniform(outF, bound: bound)
        case .conv2d(let o):
            let fanIn = input[0] / o.groups * o.kernel.height * o.kernel.width
            let bound = 1 / Double(fanIn).squareRoot()
            out["weight"] = uniform(o.outChannels * fanIn, bound: bound)
            out["bias"] = uniform(o.outChannels, bound: bound)
        case .batchnorm:
            let c = input[0]
            out["weight"] = [Float](repeating: 1, count: c)
            out["bias"] = [Float](repeating: 0, count: c)
            out["running_mean"] = [Float](repeating: 0, count: c)
            out["running_var"] = [Float](repeating: 1, count: c)
        case .layernorm:
            let d = input.last ?? 1
            out["weight"] = [Float](repeating: 1, count: d)
            out["bias"] = [Float](repeating: 0, count: d)
        default:
            break
        }
    }

    /// A description of a plain sequential stack, with layers named `0`, `1`, … and tensors
    /// `<index>.<role>` as PyTorch's `nn.Sequential` names them, for models built in code.
    public static func sequentialDescription(input: [Int], ops: [LayerOp]) -> ModelDescription {
        let layers = ops.enumerated().map { i, op -> Layer in
            let roles: [String]
            switch op {
            case .dense, .conv2d: roles = ["weight", "bias"]
            case .batchnorm: roles = ["weight", "bias", "running_mean", "running_var"]
            case .layernorm: roles = ["weight", "bias"]
            default: roles = []
            }
            return Layer(name: "\(i)", op: op, tensors: Dictionary(uniqueKeysWithValues: roles.map { ($0, "\(i).\($0)") }))
        }
        return ModelDescription(input: input, layers: layers)
    }
}
