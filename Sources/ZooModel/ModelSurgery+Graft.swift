import ZooFormat

extension ModelSurgery {
    /// Appends a new head to `backbone` (`zoo graft`).
    ///
    /// The head's input is the backbone's output shape when the backbone is runnable; for an inferred
    /// backbone it is `[inFeatures]`, or the size read from the last block's norm weight in
    /// `backboneShapes` (name -> shape). When both are known and differ, the graft is refused with both
    /// shapes named. With `labels`, the head must end in `[labels.count]`. New tensors are named
    /// `PREFIX.I.ROLE` (`head.0.weight`; `prefix` defaults to `head`, or `head_2`, ... if taken) and drawn
    /// with `scheme` from streams `(seed, name)`. `parent` is the backbone's digest, for the lineage.
    public static func graft(_ backbone: ModelDescription, head: [LayerSpec], inFeatures: Int? = nil,
                             backboneShapes: [String: [Int]] = [:], scheme: InitScheme, seed: UInt64,
                             freeze: FreezeSpec = .backbone, labels: [String]? = nil, prefix: String? = nil,
                             parent: String?, created: String? = nil) throws(ModelError) -> GraftResult
    {
        guard !backbone.layers.isEmpty else {
            throw ModelError(.outOfRange, "the backbone has no layers to graft a head onto")
        }
        guard !head.isEmpty else { throw ModelError(.invalidSpec, "the head spec has no layers; for example --head dense:10") }
        if let f = inFeatures, f <= 0 || f > 1 << 24 {
            throw ModelError(.outOfRange, "--in-features \(f) is out of range: give a whole number from 1 to \(1 << 24)")
        }
        var layers = backbone.layers
        let (input, source) = try headInput(backbone, layers: &layers, inFeatures: inFeatures, shapes: backboneShapes)

        let taken = Set(layers.map(\.name)).union(layers.flatMap(\.orderedTensorNames))
        let chosen = prefix ?? freePrefix("head", taken: taken)
        for t in taken where t == chosen || t.hasPrefix(chosen + ".") {
            throw ModelError(.invalidSpec, "the head prefix '\(chosen)' is already used by '\(t)' in the backbone; choose another prefix")
        }
        let built = try ModelBuilder.layers(from: head, input: input, prefix: chosen)
        if let labels {
            try ModelBuilder.checkLabels(labels, output: built.layers.last?.outputShape ?? input, layers: built.layers)
        }
        let total = layers.count + built.layers.count
        let frozen: Int
        switch freeze {
        case .backbone: frozen = layers.count
        case .none: frozen = 0
        case .model: frozen = min(max(backbone.frozenLayers, 0), layers.count)
        case .layers(let k):
            guard k >= 0, k <= total else {
                throw ModelError(.outOfRange, "--freeze \(k) is out of range: the grafted model has \(total) layers (\(layers.count) backbone + \(built.layers.count) head); give 0 to \(total)")
            }
            frozen = k
        }
        let tensors = try ModelBuilder.initialize(built.tensors, scheme: scheme, seed: seed, architecture: backbone.metadata.architecture)

        var result = backbone
        result.layers = layers + built.layers
        result.frozenLayers = frozen
        var updates: [MetadataUpdate] = []
        if result.metadata.labels != labels {
            updates.append(MetadataUpdate(key: "labels", old: result.metadata.labels.map { .array($0.map { .string($0) }) },
                                          new: labels.map { .array($0.map { .string($0) }) }))
        }
        result.metadata.labels = labels
        if labels != nil { result.metadata.task = "classification" }
        var params: [String: JSONValue] = [
            "head": .string(LayerSpec.text(head)),
            "init": .string(scheme.description),
            "seed": ModelBuilder.seedValue(seed),
            "freeze": .string(freeze.description),
            "head_input": .array(input.map { .number(Double($0)) }),
            "prefix": .string(chosen),
        ]
        if let inFeatures { params["in_features"] = .number(Double(inFeatures)) }
        if let labels { params["labels"] = .array(labels.map { .string($0) }) }
        result.lineage = LineageRecord(parent: parent, operation: "graft", parameters: params, created: created)

        var seen: Set<String> = []
        let kept = layers.flatMap(\.orderedTensorNames).filter { seen.insert($0).inserted }
        return GraftResult(description: result, newTensors: tensors, keptLayers: layers.map(\.name),
                           newLayers: built.layers.map(\.name), keptTensors: kept, headInput: input,
                           headInputSource: source, metadataUpdates: updates)
    }

    /// The head's input shape and a phrase saying where it came from. For a runnable backbone,
    /// `layers` gets its shapes filled in.
    static func headInput(_ backbone: ModelDescription, layers: inout [Layer], inFeatures: Int?,
                          shapes: [String: [Int]]) throws(ModelError) -> ([Int], String)
    {
        let last = layers[layers.count - 1]
        let hasInferred = layers.contains { $0.op == .inferredBlock }
        if !hasInferred, let input = backbone.input {
            layers = try ModelDescription.shapedLayers(layers, input: input)
            let out = layers[layers.count - 1].outputShape ?? []
            if let f = inFeatures, out != [f] {
                throw ModelError(.shapeMismatch, "--in-features \(f) makes the head's input [\(f)], but the backbone's output (layer '\(last.name)') is \(shapeText(out)); drop --in-features or change the backbone")
            }
            return (out, "layer '\(last.name)' output")
        }
        var known: ([Int], String)?
        if let out = last.outputShape, !out.isEmpty {
            known = (out, "layer '\(last.name)' recorded output \(shapeText(out))")
        } else if case .dense(let out) = last.op {
            known = ([out], "layer '\(last.name)' (dense:\(out))")
        } else if let f = LayerInference.outputFeatures(of: last, shapes: shapes) {
            known = ([f.features], "layer '\(last.name)' (\(f.evidence))")
        }
        switch (inFeatures, known) {
        case let (f?, k?):
            guard k.0 == [f] else {
                throw ModelError(.shapeMismatch, "--in-features \(f) makes the head's input [\(f)], but the backbone's output is \(shapeText(k.0)) from \(k.1); drop --in-features or give \(k.0.last ?? 0)")
            }
            return ([f], "--in-features, matching \(k.1)")
        case let (f?, nil):
            return ([f], "--in-features")
        case let (nil, k?):
            return k
        case (nil, nil):
            throw ModelError(.shapeMismatch, "the output size of backbone layer '\(last.name)' is not known (it is an inferred block with no norm weight to read it from); give it with --in-features N")
        }
    }

    /// `base`, or `base_2`, `base_3`, ... when `base` is used as a layer or tensor prefix.
    static func freePrefix(_ base: String, taken: Set<String>) -> String {
        func free(_ p: String) -> Bool { !taken.contains { $0 == p || $0.hasPrefix(p + ".") } }
        if free(base) { return base }
        var i = 2
        while !free("\(base)_\(i)") { i += 1 }
        return "\(base)_\(i)"
    }
}
