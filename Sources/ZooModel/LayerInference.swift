import ZooFormat

/// Layers inferred from tensor names, for checkpoints imported without a description
/// (formats/model-description.md, "Inferred layers").
///
/// A tensor whose name has a numeric component belongs to the block `CONTAINER.N` (the name up to
/// and including the first numeric component: `encoder.layer.3`, `model.layers.3`, `layer2.1`, `3`).
/// Blocks are ordered by container (numbers in names compared as numbers) and then by N.
/// Every other tensor is stem or head: by its name (`embeddings`, `wte`, `patch_embed`, ... are stem;
/// `pooler`, `classifier`, `fc`, `lm_head`, `norm`, `ln_f`, ... are head), else by position in the
/// checkpoint (before the first block's first tensor: stem). The stem is one layer and the head is
/// one layer, named after their common prefix (`embeddings`, `pooler`) or `stem`/`head`.
/// Numbered containers with stem or head names (`classifier.0`, `stem.1`) join the stem or head.
/// With no numbered tensors at all, each top-level name is one layer, in checkpoint order.
public enum LayerInference {
    /// Name components that mark the stem (first component after the blocks' common parent).
    public static let stemNames: Set<String> = [
        "embeddings", "embedding", "embed", "embed_tokens", "embed_positions", "word_embeddings",
        "position_embeddings", "wte", "wpe", "patch_embed", "patch_embeddings", "pos_embed", "cls_token",
        "dist_token", "conv1", "bn1", "stem", "conv_stem", "bn_stem", "shared", "tok_embeddings",
        "token_embedding", "positional_embedding", "class_embedding", "conv_proj", "mask_token",
    ]
    /// Name components that mark the head.
    public static let headNames: Set<String> = [
        "pooler", "classifier", "fc", "lm_head", "head", "heads", "score", "qa_outputs", "norm", "ln_f",
        "final_layer_norm", "final_layernorm", "layernorm", "post_layernorm", "ln_post", "fc_norm",
        "pre_logits", "last_linear", "logits", "cls", "predictions", "output", "proj", "conv_head", "bn2",
        "global_pool", "avgpool", "decoder",
    ]

    /// Components of a tensor name's block key: the container and the block number, when numbered.
    struct Block: Hashable {
        var container: [String]
        var index: Int
        var name: String { (container + [String(index)]).joined(separator: ".") }
    }

    /// The block a tensor name belongs to: the name up to its first all-digit component.
    static func block(of name: String) -> Block? {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        for (j, p) in parts.enumerated() where j < parts.count - 1 || parts.count == 1 {
            if !p.isEmpty, p.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), p.utf8.count <= 9, let n = Int(p) {
                return Block(container: Array(parts[..<j]), index: n)
            }
        }
        return nil
    }

    /// Infers a non-runnable description (every layer `.inferredBlock`) from tensors in checkpoint order.
    public static func infer(_ tensors: [TensorInfo], metadata: ModelMetadata = ModelMetadata()) -> ModelDescription {
        ModelDescription(input: nil, layers: inferLayers(tensors.map(\.name)), metadata: metadata)
    }

    /// The inferred layers for tensor names in checkpoint order.
    public static func inferLayers(_ names: [String]) -> [Layer] {
        // Numbered tensors whose container is a stem or head name are not blocks.
        var blockOf: [String: Block] = [:]
        for n in names {
            if let b = block(of: n), kind(ofComponents: b.container) == nil { blockOf[n] = b }
        }
        if blockOf.isEmpty { return topLevelLayers(names) }

        let containers = Array(Set(blockOf.values.map(\.container)))
            .sorted { naturalLess($0.joined(separator: "."), $1.joined(separator: ".")) }
        let reference = containers[0]
        let firstBlockPosition = names.firstIndex { blockOf[$0] != nil } ?? 0

        var stem: [String] = [], head: [String] = []
        var blocks: [Block: [String]] = [:]
        for (pos, n) in names.enumerated() {
            if let b = blockOf[n] { blocks[b, default: []].append(n); continue }
            let rel = relativeComponents(n, to: reference)
            switch kind(ofComponents: Array(rel.prefix(1))) ?? kind(ofComponents: rel) {
            case .stem?: stem.append(n)
            case .head?: head.append(n)
            case nil: if pos < firstBlockPosition { stem.append(n) } else { head.append(n) }
            }
        }
        var layers: [Layer] = []
        if !stem.isEmpty { layers.append(groupLayer(stem, fallback: "stem", reference: reference)) }
        let ordered = blocks.keys.sorted { a, b in
            let ia = containers.firstIndex(of: a.container) ?? 0, ib = containers.firstIndex(of: b.container) ?? 0
            return ia != ib ? ia < ib : a.index < b.index
        }
        for b in ordered {
            let prefix = b.name + "."
            var roles: [String: String] = [:]
            for n in blocks[b] ?? [] { roles[n.hasPrefix(prefix) ? String(n.dropFirst(prefix.count)) : n] = n }
            layers.append(Layer(name: b.name, op: .inferredBlock, tensors: roles))
        }
        if !head.isEmpty { layers.append(groupLayer(head, fallback: "head", reference: reference)) }
        return uniqueNames(layers)
    }

    enum Kind { case stem, head }

    /// Stem or head when any component is a stem or head name (head wins: `head.norm`).
    static func kind(ofComponents parts: [String]) -> Kind? {
        if parts.contains(where: { headNames.contains($0.lowercased()) }) { return .head }
        if parts.contains(where: { stemNames.contains($0.lowercased()) }) { return .stem }
        return nil
    }

    /// The name's components after the longest common leading components with `reference`
    /// (`bert.pooler.dense.weight` against `bert.encoder.layer` -> `pooler.dense.weight`).
    static func relativeComponents(_ name: String, to reference: [String]) -> [String] {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        var k = 0
        while k < parts.count - 1, k < reference.count, parts[k] == reference[k] { k += 1 }
        return Array(parts[k...])
    }

    /// One layer for a group of stem or head tensors, named after their common group prefix
    /// (`embeddings`, `bert.pooler`) when they share one, else `fallback`.
    static func groupLayer(_ names: [String], fallback: String, reference: [String]) -> Layer {
        let keys = Set(names.map { n -> String in
            let parts = n.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            let rel = relativeComponents(n, to: reference)
            let keep = parts.count - rel.count + (rel.count > 1 ? 1 : 0)
            return parts.prefix(keep).joined(separator: ".")
        })
        let name = keys.count == 1 ? (keys.first ?? fallback) : fallback
        let prefix = name + "."
        var roles: [String: String] = [:]
        for n in names {
            roles[name != fallback && n.hasPrefix(prefix) ? String(n.dropFirst(prefix.count)) : n] = n
        }
        return Layer(name: name.isEmpty ? fallback : name, op: .inferredBlock, tensors: roles)
    }

    /// No numbered tensors: one layer per top-level name, in order of first appearance.
    static func topLevelLayers(_ names: [String]) -> [Layer] {
        var order: [String] = []
        var groups: [String: [String: String]] = [:]
        for n in names {
            let parts = n.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let key = parts.count > 1 ? parts[0] : n
            if groups[key] == nil { order.append(key) }
            groups[key, default: [:]][parts.count > 1 ? parts[1] : n] = n
        }
        return uniqueNames(order.map { Layer(name: $0, op: .inferredBlock, tensors: groups[$0] ?? [:]) })
    }

    /// Makes layer names unique (a stem called like a block would otherwise collide) by suffixes `#2`, `#3`.
    static func uniqueNames(_ layers: [Layer]) -> [Layer] {
        var seen: [String: Int] = [:]
        return layers.map { layer in
            var l = layer
            let n = (seen[layer.name] ?? 0) + 1
            seen[layer.name] = n
            if n > 1 { l.name = "\(layer.name)#\(n)" }
            return l
        }
    }

    /// Whether a layer is a numbered block (its name ends in a number), as counted in
    /// a config's `num_hidden_layers`.
    public static func isNumberedBlock(_ layer: Layer) -> Bool {
        guard case .inferredBlock = layer.op, let last = layer.name.split(separator: ".").last else { return false }
        return !last.isEmpty && last.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    /// The feature count an inferred block most likely outputs: the size of its last 1-D norm
    /// weight (`output.LayerNorm.weight` [384], `ln_2.weight`, `bn2.weight`), else, when the layer has
    /// exactly one 2-D weight (`pooler.dense.weight` [384, 384]), that weight's output size. Returns
    /// the size and the tensor it was read from, or nil when no such tensor is known.
    public static func outputFeatures(of layer: Layer, shapes: [String: [Int]]) -> (features: Int, evidence: String)? {
        var best: (features: Int, evidence: String)?
        let matrices = layer.tensors.values.filter { n in
            (n.hasSuffix(".weight") || n == "weight") && shapes[n].map { $0.count == 2 && $0[0] > 0 } == true
        }
        if matrices.count == 1, let n = matrices.first, let shape = shapes[n] {
            best = (shape[0], "\(n) \(shapeText(shape))")
        }
        for role in layer.tensors.keys.sorted(by: naturalLess) {
            guard let name = layer.tensors[role], let shape = shapes[name], shape.count == 1, shape[0] > 0 else { continue }
            let parts = role.lowercased().split(separator: ".")
            guard parts.last == "weight" || parts.last == "gamma" || parts.last == "scale", parts.count >= 2 else { continue }
            let owner = parts[parts.count - 2]
            if owner.contains("norm") || owner.hasPrefix("ln") || owner.hasPrefix("bn") {
                best = (shape[0], "\(name) \(shapeText(shape))")
            }
        }
        return best
    }
}
