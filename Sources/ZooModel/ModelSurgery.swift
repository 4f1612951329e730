import ZooFormat

/// Slice and graft as pure functions from description to description (formats/model-description.md,
/// "Slice" and "Graft"). The caller moves tensor bytes and writes the result.
public enum ModelSurgery {
    /// Keys of a carried Hugging Face `config.json` (`metadata.extra["hf_config"]`) that count blocks.
    public static let depthKeys = ["num_hidden_layers", "n_layer", "num_layers"]

    /// Keeps the first `keep` layers; a negative `keep` drops `-keep` layers from the end.
    ///
    /// Valid: `1...count` and `-(count-1)...-1`; anything else is `.outOfRange` naming the range and count.
    /// `parent` is the parent's digest, recorded in the lineage.
    public static func slice(_ model: ModelDescription, keep: Int, parent: String?, created: String? = nil)
        throws(ModelError) -> SliceResult
    {
        let count = model.layers.count
        guard count > 0 else { throw ModelError(.outOfRange, "the model has no layers to slice") }
        let kept: Int
        if keep > 0 && keep <= count {
            kept = keep
        } else if keep < 0 && keep > -count {
            kept = count + keep
        } else {
            let range = count > 1 ? "1 to \(count), or -1 to -\(count - 1) to drop layers from the end" : "1"
            throw ModelError(.outOfRange, "--keep \(keep) is out of range: the model has \(count) layer\(count == 1 ? "" : "s"); keep must be \(range)")
        }
        return try cut(model, kept: kept, parameters: ["keep": .number(Double(keep))], parent: parent, created: created)
    }

    /// Keeps every layer up to and including the one named `until`.
    ///
    /// An unknown name is `.unknownLayer`, listing the closest names by edit distance.
    public static func slice(_ model: ModelDescription, until: String, parent: String?, created: String? = nil)
        throws(ModelError) -> SliceResult
    {
        guard let i = model.layers.firstIndex(where: { $0.name == until }) else {
            throw ModelError(.unknownLayer, unknownLayerMessage(until, in: model))
        }
        return try cut(model, kept: i + 1, parameters: ["until": .string(until)], parent: parent, created: created)
    }

    /// The message for an unknown layer name: the closest names, and the first and last layers.
    static func unknownLayerMessage(_ name: String, in model: ModelDescription) -> String {
        let names = model.layers.map(\.name)
        let scored = names.map { ($0, editDistance($0.lowercased(), name.lowercased())) }
        let limit = max(2, name.count / 3)
        let close = scored.filter { $0.1 <= limit }.sorted { $0.1 != $1.1 ? $0.1 < $1.1 : naturalLess($0.0, $1.0) }.prefix(3).map(\.0)
        var msg = "no layer named '\(name)'"
        if !close.isEmpty { msg += "; did you mean \(close.map { "'\($0)'" }.joined(separator: ", "))?" }
        if let first = names.first, let last = names.last {
            msg += " The model has \(names.count) layers, '\(first)' to '\(last)'; `zoo inspect` lists them."
        }
        return msg
    }

    static func cut(_ model: ModelDescription, kept: Int, parameters: [String: JSONValue], parent: String?, created: String?)
        throws(ModelError) -> SliceResult
    {
        let keptLayers = Array(model.layers[..<kept])
        let droppedLayers = Array(model.layers[kept...])
        var result = model
        result.layers = keptLayers
        result.frozenLayers = min(max(model.frozenLayers, 0), kept)
        var params = parameters
        params["kept_layers"] = .number(Double(kept))
        params["dropped_layers"] = .number(Double(droppedLayers.count))
        result.lineage = LineageRecord(parent: parent, operation: "slice", parameters: params, created: created)

        var updates: [MetadataUpdate] = []
        var warnings: [String] = []
        if !droppedLayers.isEmpty, let labels = model.metadata.labels {
            // The labels named the outputs of the dropped head.
            result.metadata.labels = nil
            updates.append(MetadataUpdate(key: "labels", old: .array(labels.map { .string($0) }), new: nil))
        }
        if !droppedLayers.isEmpty, let config = model.metadata.extra?["hf_config"] {
            let blocks = keptLayers.filter(LayerInference.isNumberedBlock).count
            let oldBlocks = model.layers.filter(LayerInference.isNumberedBlock).count
            let (newConfig, u, w) = updateDepth(config, blocks: blocks, oldBlocks: oldBlocks)
            result.metadata.extra?["hf_config"] = newConfig
            updates += u
            warnings += w
        }
        let keptSet = Set(keptLayers.flatMap(\.orderedTensorNames))
        var dropped: [String] = []
        var seen: Set<String> = []
        for n in droppedLayers.flatMap(\.orderedTensorNames) where !keptSet.contains(n) && seen.insert(n).inserted {
            dropped.append(n)
        }
        var keptNames: [String] = []
        seen = []
        for n in keptLayers.flatMap(\.orderedTensorNames) where seen.insert(n).inserted { keptNames.append(n) }
        return SliceResult(description: result, keptLayers: keptLayers.map(\.name), droppedLayers: droppedLayers.map(\.name),
                           keptTensors: keptNames, droppedTensors: dropped, metadataUpdates: updates, warnings: warnings)
    }

    /// Sets the config's depth keys to `blocks`; per-layer arrays as long as the old depth are cut to
    /// `blocks`; depth keys it cannot safely change (nested configs, non-integers) become warnings.
    static func updateDepth(_ config: JSONValue, blocks: Int, oldBlocks: Int)
        -> (JSONValue, [MetadataUpdate], [String])
    {
        guard var object = config.objectValue else {
            return (config, [], ["metadata hf_config is not a JSON object, so its layer count could not be updated"])
        }
        var updates: [MetadataUpdate] = []
        var warnings: [String] = []
        var oldDepth: Int?
        for key in depthKeys {
            guard let value = object[key] else { continue }
            guard let old = value.intValue else {
                warnings.append("hf_config.\(key) is \(value) rather than a whole number, so it could not be updated to \(blocks)")
                continue
            }
            oldDepth = oldDepth ?? old
            if old != oldBlocks {
                warnings.append("hf_config.\(key) was \(old) but the model had \(oldBlocks) numbered blocks; set to the \(blocks) kept, check it")
            }
            let new = JSONValue.number(Double(blocks))
            object[key] = new
            if old != blocks { updates.append(MetadataUpdate(key: "hf_config.\(key)", old: value, new: new)) }
        }
        for key in object.keys.sorted() {
            guard let value = object[key] else { continue }
            if let array = value.arrayValue, let depth = oldDepth, array.count == depth, depth != blocks, !depthKeys.contains(key) {
                // A per-layer list such as `layer_types`: keep the kept blocks' entries.
                let cut = JSONValue.array(Array(array.prefix(blocks)))
                object[key] = cut
                updates.append(MetadataUpdate(key: "hf_config.\(key)", old: value, new: cut))
            } else if let nested = value.objectValue, depthKeys.contains(where: { nested[$0] != nil }) {
                warnings.append("hf_config.\(key) has its own layer count, which was not updated: it describes a sub-model whose depth this slice may not change")
            }
        }
        if oldDepth == nil && updates.isEmpty && warnings.isEmpty {
            warnings.append("hf_config has none of \(depthKeys.joined(separator: ", ")), so no layer count was updated; check it by hand")
        }
        return (.object(object), updates, warnings)
    }
}
