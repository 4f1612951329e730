import ZooModel

extension Network {
    /// Fresh tensors for every layer of `description`, as PyTorch initialises its modules: dense and
    /// conv weights and biases uniform in ±1/√fan_in (`kaiming_uniform_(a=√5)`, fan_in of a grouped
    /// conv `in/groups·kh·kw`), norm scales 1 and shifts 0, running mean 0 and variance 1. Tensors
    /// are named by the layers' `tensors` roles, or `<layer>.<role>` where a role is missing; a
    /// block's nodes are drawn in node order, named by the block's `NODE.ROLE` roles. All values
    /// come from one SplitMix64 stream (`SeededRandom.splitMix`) in layer order. ZooModel's
    /// `ModelBuilder` has the named init schemes (one stream per tensor name), which
    /// `initialTensors(for:scheme:seed:)` uses; this one serves tests, benchmarks and experiments.
    public static func initialTensors(for description: ModelDescription, seed: UInt64) throws(TrainError) -> [String: [Float]] {
        let shapes = try shapes(for: description)
        var generator = SeededRandom.splitMix(seed: seed)
        var out: [String: [Float]] = [:]
        for (i, layer) in description.layers.enumerated() {
            guard case .block(let block) = layer.op else {
                draw(layer.op, input: shapes[i], name: { layer.tensors[$0] ?? "\(layer.name).\($0)" }, generator: &generator, into: &out)
                continue
            }
            // A block's nodes in order, each from its own input shape, named by the layer's
            // `NODE.ROLE` roles (or `LAYER.NODE.ROLE`).
            let nodeShapes: [String: [Int]]
            do { nodeShapes = try block.nodeShapes(for: shapes[i]) } catch {
                throw TrainError(.invalidShape, "layer '\(layer.name)': \(error.message)")
            }
            for node in block.nodes {
                guard let first = node.inputs.first, let input = nodeShapes[first] else { continue }
                var drawn: [String: [Float]] = [:]
                draw(node.op, input: input, name: { $0 }, generator: &generator, into: &drawn)
                for (role, values) in drawn {
                    let key = node.tensorRole(role)
                    // A block that names its tensors gets exactly those (a conv without a bias
                    // role, as PyTorch's bias=False, gets none); one that names none gets all.
                    if let name = layer.tensors[key] {
                        out[name] = values
                    } else if layer.tensors.isEmpty {
                        out["\(layer.name).\(key)"] = values
                    }
                }
            }
        }
        return out
    }

    /// Draws the tensors of one op on `input` from `generator`, in the order weight, bias (and the
    /// norm buffers), as `initialTensors` documents.
    private static func draw(_ op: LayerOp, input: [Int], name: (String) -> String, generator: inout SeededRandom,
                             into out: inout [String: [Float]]) {
        func uniform(_ count: Int, bound: Double) -> [Float] {
            (0..<count).map { _ in Float((generator.unit() * 2 - 1) * bound) }
        }
        switch op {
        case .dense(let outF):
            let fanIn = input.last ?? 1
            let bound = 1 / Double(fanIn).squareRoot()
            out[name("weight")] = uniform(outF * fanIn, bound: bound)
            out[name("bias")] = uniform(outF, bound: bound)
        case .conv2d(let o):
            let fanIn = input[0] / o.groups * o.kernel.height * o.kernel.width
            let bound = 1 / Double(fanIn).squareRoot()
            out[name("weight")] = uniform(o.outChannels * fanIn, bound: bound)
            out[name("bias")] = uniform(o.outChannels, bound: bound)
        case .batchnorm:
            let c = input[0]
            out[name("weight")] = [Float](repeating: 1, count: c)
            out[name("bias")] = [Float](repeating: 0, count: c)
            out[name("running_mean")] = [Float](repeating: 0, count: c)
            out[name("running_var")] = [Float](repeating: 1, count: c)
        case .layernorm:
            let d = input.last ?? 1
            out[name("weight")] = [Float](repeating: 1, count: d)
            out[name("bias")] = [Float](repeating: 0, count: d)
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
