/// Which leading layers do not train after a graft (`--freeze backbone|none|K`).
public enum FreezeSpec: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Every backbone layer is frozen; the new head trains (the default).
    case backbone
    /// Everything trains.
    case none
    /// The first K layers are frozen.
    case layers(Int)

    /// Parses `backbone`, `none` or a whole number K.
    public static func parse(_ text: String) throws(ModelError) -> FreezeSpec {
        let t = text.trimmingSpaces().lowercased()
        switch t {
        case "backbone": return .backbone
        case "none": return .none
        default:
            guard let k = Int(t), k >= 0 else {
                throw ModelError(.invalidSpec, "freeze spec '\(text)' is not valid; give backbone, none, or the number of leading layers to freeze (0 or more)")
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
        }
    }
}
