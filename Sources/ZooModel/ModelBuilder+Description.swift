import ZooFormat

// New weights for a whole description (`zoo create --arch`, "the same architecture from random
// initialisation"): every layer's tensors and every block node's, with the fans of the op that
// owns them.
extension ModelBuilder {
    /// The description with every tensor named and its layer shapes set, and the tensors its layers
    /// and block nodes need, in layer and node order (roles weight, bias, running_mean, running_var).
    ///
    /// A layer that names tensors gets exactly those roles (a conv without a `bias` role has no
    /// bias, as PyTorch's `bias=False`); one that names none gets every role its op (or its nodes'
    /// ops) can own, named `LAYER.ROLE` (`LAYER.NODE.ROLE` in a block), as `nn.Conv2d` and
    /// `nn.Linear` have a bias by default. Throws when the description cannot run (no input shape,
    /// an inferred block, a shape that does not fit, a role its op does not know).
    public static func plannedTensors(for description: ModelDescription) throws(ModelError)
        -> (description: ModelDescription, tensors: [PlannedTensor])
    {
        var model = try description.withInferredShapes()
        var planned: [PlannedTensor] = []
        for (i, layer) in model.layers.enumerated() {
            guard let input = layer.inputShape else { continue }
            // (role in the layer, op that owns it, that op's input shape, role within the op)
            var owners: [(role: String, op: LayerOp, input: [Int], opRole: String)] = []
            if case .block(let block) = layer.op {
                let shapes = try block.nodeShapes(for: input)
                for node in block.nodes where !node.op.knownRoles.isEmpty {
                    guard let first = node.inputs.first, let nodeInput = shapes[first] else { continue }
                    let params = try node.op.parameterShapes(for: nodeInput)
                    for role in roleOrder where params[role] != nil {
                        owners.append((node.tensorRole(role), node.op, nodeInput, role))
                    }
                }
            } else {
                let params = try layer.op.parameterShapes(for: input)
                for role in roleOrder where params[role] != nil { owners.append((role, layer.op, input, role)) }
            }
            let known = Set(owners.map(\.role))
            if let unknown = layer.tensors.keys.sorted().first(where: { !known.contains($0) }) {
                throw ModelError(.malformed, "layer \(i) '\(layer.name)' (\(layer.op.name)) names a tensor for role '\(unknown)', which it has no use for; its roles are \(known.sorted().joined(separator: ", "))")
            }
            var roles = layer.tensors
            let nameAll = roles.isEmpty
            for owner in owners {
                guard let shape = try owner.op.parameterShapes(for: owner.input)[owner.opRole] else { continue }
                let name: String
                if let named = roles[owner.role] {
                    name = named
                } else if nameAll {
                    name = "\(layer.name).\(owner.role)"
                    roles[owner.role] = name
                } else if owner.op.requiredRoles.contains(owner.opRole) {
                    throw ModelError(.malformed, "layer \(i) '\(layer.name)' names some tensors but not '\(owner.role)', which \(owner.op.name) needs; name it, or name none to have them all named")
                } else {
                    continue
                }
                planned.append(PlannedTensor(name: name, layer: layer.name, role: owner.opRole, shape: shape, op: owner.op, input: owner.input))
            }
            model.layers[i].tensors = roles
        }
        var seen: Set<String> = []
        for t in planned where !seen.insert(t.name).inserted {
            throw ModelError(.malformed, "tensor '\(t.name)' is named by two roles; give every role its own tensor")
        }
        return (model, planned)
    }

    /// A new runnable model with the architecture of `description` (`zoo create --arch`): its
    /// tensors drawn with `scheme` and `seed` (one stream per tensor name), its metadata and
    /// freeze spec kept; lineage records operation `create` with `arch` (`source`, the file it came
    /// from), `init` and `seed`.
    public static func create(description: ModelDescription, scheme: InitScheme, seed: UInt64, source: String? = nil,
                              created: String? = nil) throws(ModelError) -> (description: ModelDescription, tensors: [InitializedTensor])
    {
        let (model, planned) = try plannedTensors(for: description)
        let tensors = try initialize(planned, scheme: scheme, seed: seed, architecture: model.metadata.architecture)
        var result = model
        var params: [String: JSONValue] = [
            "input": .array((model.input ?? []).map { .number(Double($0)) }),
            "init": .string(scheme.description),
            "seed": seedValue(seed),
        ]
        if let source { params["arch"] = .string(source) }
        if let labels = model.metadata.labels { params["labels"] = .array(labels.map { .string($0) }) }
        result.lineage = LineageRecord(parent: nil, operation: "create", parameters: params, created: created)
        return (result, tensors)
    }
}
