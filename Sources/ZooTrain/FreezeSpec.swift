import ZooModel

/// Which leading layers do not train.
public enum FreezeSpec: Sendable, Equatable, Hashable {
    /// The description's own `frozenLayers`.
    case description
    /// Everything trains.
    case none
    /// The backbone is frozen: the layers before the head a graft added (ZooModel's rule: the
    /// recorded head prefix, else the description's own `frozenLayers`), else everything below the
    /// last layer with parameters.
    case backbone
    /// The first `n` layers are frozen.
    case layers(Int)

    /// The number of frozen leading layers for `description`.
    public func frozenLayerCount(for description: ModelDescription) throws(TrainError) -> Int {
        switch self {
        case .description: return description.frozenLayers
        case .none: return 0
        case .backbone:
            // A graft knows where its head starts, even when the head has several layers.
            if let grafted = try? ZooModel.FreezeSpec.backbone.frozenLayerCount(in: description) { return grafted }
            guard let head = description.layers.lastIndex(where: { $0.op.hasParameters }) else {
                throw TrainError(.invalidConfiguration, "the model has no layer with parameters, so it has no head to train")
            }
            return head
        case .layers(let n):
            guard n >= 0 && n <= description.layers.count else {
                throw TrainError(.invalidConfiguration, "cannot freeze \(n) layers of a model with \(description.layers.count); use 0...\(description.layers.count)")
            }
            return n
        }
    }
}
