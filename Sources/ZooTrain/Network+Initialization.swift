import ZooModel

extension Network {
    /// Fresh tensors for every layer of `description`, as PyTorch initialises its modules: dense and
    /// conv weights and biases uniform in ±1/√fan_in (`kaiming_uniform_(a=√5)`), norm scales 1 and
    /// shifts 0, running mean 0 and variance 1. Tensors are named by the layers' `tensors` roles,
    /// or `<layer>.<role>` where a role is missing. ZooModel's `create` has its own init schemes;
    /// this one serves tests, benchmarks and library users who build models in code.
    public static func initialTensors(for description: ModelDescription, seed: UInt64) throws(TrainError) -> [String: [Float]] {
        let shapes = try shapes(for: description)
        var generator = SeededGenerator(seed: seed)
        var out: [String: [Float]] = [:]
        for (i, layer) in description.layers.enumerated() {
            let input = shapes[i]
            func name(_ role: String) -> String { layer.tensors[role] ?? "\(layer.name).\(role)" }
            func uniform(_ count: Int, bound: Double) -> [Float] {
                (0..<count).map { _ in Float((generator.nextUnit() * 2 - 1) * bound) }
            }
            switch layer.op {
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
        return out
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
