import ZooFormat

/// Turns layer specs into description layers with tensor names, and draws their first values:
/// the library side of `zoo create` and of `zoo graft`'s new head.
public enum ModelBuilder {
    /// Role order in listings, so reports and tensor lists are stable.
    static let roleOrder = ["weight", "bias", "running_mean", "running_var"]

    /// Layers for `specs` applied to `input`, named PyTorch-Sequential style: `0`, `1`, ... or
    /// `PREFIX.0`, `PREFIX.1`, ...; each tensor is `LAYER.ROLE` (`head.0.weight`). Returns the layers
    /// with shapes set and the tensors to initialise, in layer order.
    public static func layers(from specs: [LayerSpec], input: [Int], prefix: String = "")
        throws(ModelError) -> (layers: [Layer], tensors: [PlannedTensor])
    {
        guard !specs.isEmpty else { throw ModelError(.invalidSpec, "no layers given; accepted forms: \(LayerSpec.acceptedForms)") }
        var shape = input
        var layers: [Layer] = []
        var tensors: [PlannedTensor] = []
        for (i, spec) in specs.enumerated() {
            let name = prefix.isEmpty ? "\(i)" : "\(prefix).\(i)"
            let out: [Int]
            let params: [String: [Int]]
            do {
                out = try spec.op.outputShape(for: shape)
                params = try spec.op.parameterShapes(for: shape)
            } catch {
                throw ModelError(error.kind, "layer \(i + 1) of the spec (\(spec)): \(error.message)")
            }
            var roles: [String: String] = [:]
            for role in roleOrder {
                guard let pshape = params[role] else { continue }
                let tname = "\(name).\(role)"
                roles[role] = tname
                tensors.append(PlannedTensor(name: tname, layer: name, role: role, shape: pshape, op: spec.op, input: shape))
            }
            layers.append(Layer(name: name, op: spec.op, tensors: roles, inputShape: shape, outputShape: out))
            shape = out
        }
        return (layers, tensors)
    }

    /// Draws every planned tensor's values with `scheme`; tensor `t` uses stream `(seed, t.name)`.
    /// `architecture` is the model's recognised architecture (it decides `torchvision`'s dense rule).
    public static func initialize(_ planned: [PlannedTensor], scheme: InitScheme, seed: UInt64, architecture: String? = nil)
        throws(ModelError) -> [InitializedTensor]
    {
        var result: [InitializedTensor] = []
        for t in planned {
            let values = try scheme.values(name: t.name, role: t.role, shape: t.shape, op: t.op, input: t.input, seed: seed,
                                           architecture: architecture)
            result.append(InitializedTensor(name: t.name, shape: t.shape, values: values,
                                            summary: scheme.summary(role: t.role, op: t.op, input: t.input, architecture: architecture)))
        }
        return result
    }

    /// A new runnable model (`zoo create`): layers from `specs` on `input`, initialised with
    /// `scheme` and `seed`; lineage records operation `create` and its parameters.
    ///
    /// With `labels`, the model's output must be `[labels.count]`.
    public static func create(input: [Int], specs: [LayerSpec], scheme: InitScheme, seed: UInt64,
                              labels: [String]? = nil, created: String? = nil)
        throws(ModelError) -> (description: ModelDescription, tensors: [InitializedTensor])
    {
        guard (1...4).contains(input.count), input.allSatisfy({ $0 > 0 && $0 <= 1 << 24 }) else {
            throw ModelError(.shapeMismatch, "input shape \(shapeText(input)) is not valid: give 1 to 4 dimensions from 1 to \(1 << 24), for example 64 or 1x8x8")
        }
        let built = try layers(from: specs, input: input)
        if let labels {
            try checkLabels(labels, output: built.layers.last?.outputShape ?? input, layers: built.layers)
        }
        let tensors = try initialize(built.tensors, scheme: scheme, seed: seed)
        var metadata = ModelMetadata()
        if let labels {
            metadata.labels = labels
            metadata.task = "classification"
        }
        var params: [String: JSONValue] = [
            "input": .array(input.map { .number(Double($0)) }),
            "layers": .string(LayerSpec.text(specs)),
            "init": .string(scheme.description),
            "seed": seedValue(seed),
        ]
        if let labels { params["labels"] = .array(labels.map { .string($0) }) }
        let description = ModelDescription(input: input, layers: built.layers, metadata: metadata,
                                           lineage: LineageRecord(parent: nil, operation: "create", parameters: params, created: created))
        return (description, tensors)
    }

    /// Refuses labels whose count differs from the model's output size, naming the layer that makes it.
    static func checkLabels(_ labels: [String], output: [Int], layers: [Layer]) throws(ModelError) {
        guard !labels.isEmpty else { throw ModelError(.invalidSpec, "the label list is empty; give one name per class") }
        guard output == [labels.count] else {
            let last = layers.last(where: { if case .dense = $0.op { return true } else { return false } })
            let which = last.map { " (last dense layer '\($0.name)': \(LayerSpec($0.op)))" } ?? ""
            throw ModelError(.shapeMismatch, "\(labels.count) labels were given but the model's output is \(shapeText(output))\(which); make the last dense layer dense:\(labels.count) or give \(output.count == 1 ? output[0] : 0) labels")
        }
    }

    /// A seed as JSON: a number when exact in a double, else its decimal text.
    static func seedValue(_ seed: UInt64) -> JSONValue {
        seed <= 1 << 53 ? .number(Double(seed)) : .string(String(seed))
    }

    /// Parses an input shape such as `64`, `1x8x8` or `1,8,8` (1 to 4 dimensions, each 1 to 2^24).
    public static func parseShape(_ text: String) throws(ModelError) -> [Int] {
        let t = text.trimmingSpaces()
        let parts = t.split(omittingEmptySubsequences: false) { $0 == "x" || $0 == "X" || $0 == "," }
        var shape: [Int] = []
        for p in parts {
            guard let d = Int(p.trimmingSpaces()), d > 0, d <= 1 << 24 else {
                throw ModelError(.invalidSpec, "input shape '\(text)' is not valid: give 1 to 4 positive whole numbers joined by x, for example 64 or 1x8x8")
            }
            shape.append(d)
        }
        guard (1...4).contains(shape.count) else {
            throw ModelError(.invalidSpec, "input shape '\(text)' has \(shape.count) dimensions; give 1 to 4, for example 64 or 1x8x8")
        }
        return shape
    }
}
