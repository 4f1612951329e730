import ZooFormat
import ZooModel

extension ModelConfig {
    /// The description slice and graft work on: the stored one, or, when it lists no layers (an
    /// import without a description), layers inferred from the tensor names in stored order. The
    /// stored metadata, lineage, input and freeze spec are kept.
    public var surgeryDescription: ModelDescription {
        guard model.layers.isEmpty else { return model }
        var inferred = LayerInference.infer(tensors.map(TensorInfo.init), metadata: model.metadata)
        inferred.input = model.input
        inferred.lineage = model.lineage
        inferred.frozenLayers = model.frozenLayers
        return inferred
    }

    /// Whether `surgeryDescription` was inferred rather than stored.
    public var layersAreInferred: Bool { model.layers.isEmpty && !tensors.isEmpty }

    /// Each tensor's shape by name, as `ModelSurgery.graft` reads the backbone's output size from it.
    public var tensorShapes: [String: [Int]] {
        var shapes: [String: [Int]] = [:]
        for t in tensors { shapes[t.name] = t.shape }
        return shapes
    }
}
