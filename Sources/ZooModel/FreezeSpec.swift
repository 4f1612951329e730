/// Which leading layers do not train (`--freeze backbone|none|model|K`): after a graft (`zoo graft`)
/// and in the trainer (`zoo train`, `TrainingConfiguration.freeze`). One type for both.
public enum FreezeSpec: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Every backbone layer is frozen; the new head trains (graft's default).
    case backbone
    /// Everything trains.
    case none
    /// The first K layers are frozen.
    case layers(Int)
    /// The model's own `frozen_layers` (the trainer's default; for a graft, the backbone's).
    case model

    /// Parses `backbone`, `none`, `model` (or `description`) or a whole number K.
    public static func parse(_ text: String) throws(ModelError) -> FreezeSpec {
        let t = text.trimmingSpaces().lowercased()
        switch t {
        case "backbone": return .backbone
        case "none": return .none
        case "model", "description": return .model
        default:
            guard let k = Int(t), k >= 0 else {
                throw ModelError(.invalidSpec, "freeze spec '\(text)' is not valid; give backbone, none, model (the model's own frozen_layers), or the number of leading layers to freeze (0 or more)")
            }
            return .layers(k)
        }
    }

    /// The spec as `parse` reads it, as recorded in lineage.
    public var description: String {
        switch self {
        case .backbone: return "backbone"
        case .none: return "none"
        case .layers(let k): return String(k)
        case .model: return "model"
        }
    }

    /// The number of leading frozen layers this spec means for `model` (the trainer's `--freeze`).
    ///
    /// `backbone` is every layer before the head of the graft that made `model` (found by the
    /// recorded head prefix), else the model's own `frozen_layers` when above 0; a model with neither
    /// has no known backbone, which is an error. K must be from 0 to the layer count.
    public func frozenLayerCount(in model: ModelDescription) throws(ModelError) -> Int {
        switch self {
        case .none: return 0
        case .model: return model.frozenLayers
        case .layers(let k):
            guard k >= 0, k <= model.layers.count else {
                throw ModelError(.outOfRange, "--freeze \(k) is out of range: the model has \(model.layers.count) layers; give 0 to \(model.layers.count)")
            }
            return k
        case .backbone:
            if let lineage = model.lineage, lineage.operation == "graft", let prefix = lineage.parameters["prefix"]?.stringValue,
               let first = model.layers.firstIndex(where: { $0.name.hasPrefix(prefix + ".") }) {
                return first
            }
            if model.frozenLayers > 0 { return min(model.frozenLayers, model.layers.count) }
            throw ModelError(.outOfRange, "the model has no recorded backbone (it was not made by graft and freezes no layers); give --freeze K or --freeze none")
        }
    }
}
