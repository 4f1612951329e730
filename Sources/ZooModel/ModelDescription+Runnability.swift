extension ModelDescription {
    /// Checks that the trainer can run this description: it has layers and an input shape, no
    /// inferred blocks, every layer fits its input, each layer has the tensors its op needs and no
    /// others, and (when `tensors`, name -> shape, is given) every tensor exists with the right shape.
    public func runnability(tensors: [String: [Int]]? = nil) -> Runnability {
        var reasons: [String] = []
        if layers.isEmpty { reasons.append("the description has no layers") }
        var seen: Set<String> = []
        for l in layers where !seen.insert(l.name).inserted {
            reasons.append("layer name '\(l.name)' is used twice; layer names must be unique")
        }
        if frozenLayers < 0 || frozenLayers > layers.count {
            reasons.append("frozen_layers is \(frozenLayers) but must be from 0 to the layer count \(layers.count)")
        }
        let inferred = layers.filter { $0.op == .inferredBlock }.map(\.name)
        if !inferred.isEmpty {
            let shown = inferred.count > 4 ? inferred.prefix(3).joined(separator: ", ") + ", ..., " + (inferred.last ?? "")
                                           : inferred.joined(separator: ", ")
            reasons.append("\(inferred.count) of \(layers.count) layers are inferred blocks (\(shown)): their computation is not known; import the model with a description (--arch ARCH.json) to run it")
        }
        guard let input else {
            reasons.append("the description has no input shape; add \"input\" (for example [64] or [1, 8, 8])")
            return Runnability(reasons: reasons)
        }
        guard inferred.isEmpty, !layers.isEmpty else { return Runnability(reasons: reasons) }
        var shape = input
        for (i, layer) in layers.enumerated() {
            let out: [Int], params: [String: [Int]]
            do {
                // A block made in code has not been through decoding's validation.
                if case .block(let block) = layer.op { try block.validate(owner: "layer \(i) '\(layer.name)'") }
                out = try layer.op.outputShape(for: shape)
                params = try layer.op.parameterShapes(for: shape)
            } catch {
                reasons.append(error.message.hasPrefix("layer \(i) ") ? error.message : "layer \(i) '\(layer.name)': \(error.message)")
                return Runnability(reasons: reasons)
            }
            if let s = layer.inputShape, s != shape {
                reasons.append("layer \(i) '\(layer.name)' records input \(shapeText(s)) but receives \(shapeText(shape))")
            }
            if let s = layer.outputShape, s != out {
                reasons.append("layer \(i) '\(layer.name)' records output \(shapeText(s)) but computes \(shapeText(out))")
            }
            let roles = Set(layer.tensors.keys)
            let unknown = roles.subtracting(layer.op.knownRoles).sorted()
            if !unknown.isEmpty {
                let known = layer.op.knownRoles.sorted()
                reasons.append("layer \(i) '\(layer.name)' (\(layer.op.name)) has unknown tensor roles \(unknown.joined(separator: ", ")); \(layer.op.name) takes \(known.isEmpty ? "no tensors" : known.joined(separator: ", "))")
            }
            let missing = layer.op.requiredRoles.subtracting(roles).sorted()
            if !missing.isEmpty {
                reasons.append("layer \(i) '\(layer.name)' (\(layer.op.name)) lacks tensors for \(missing.joined(separator: ", "))")
            }
            if let tensors {
                for role in roles.intersection(layer.op.knownRoles).sorted() {
                    guard let name = layer.tensors[role], let want = params[role] else { continue }
                    if let have = tensors[name] {
                        if have != want {
                            reasons.append("layer \(i) '\(layer.name)': tensor '\(name)' is \(shapeText(have)) but \(layer.op.name) on input \(shapeText(shape)) needs \(shapeText(want))")
                        }
                    } else {
                        reasons.append("layer \(i) '\(layer.name)': tensor '\(name)' (\(role)) is not in the checkpoint")
                    }
                }
            }
            shape = out
        }
        return Runnability(reasons: reasons)
    }

    /// Every tensor name the layers refer to, in layer order (roles `weight`, `bias`,
    /// `running_mean`, `running_var` first, then the rest by name).
    public var tensorNames: [String] {
        layers.flatMap(\.orderedTensorNames)
    }
}
