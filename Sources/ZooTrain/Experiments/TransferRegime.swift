/// How a transfer-learning run uses the pretrained network.
public enum TransferRegime: String, Codable, Sendable, CaseIterable, Hashable {
    /// Pretrained backbone frozen; only the new head trains.
    case frozen
    /// Pretrained backbone and new head all train.
    case finetune
    /// The same architecture from random initialisation, all trained (the "architecture only" control).
    case scratch

    /// A label for tables and legends.
    public var title: String {
        switch self {
        case .frozen: return "pretrained, frozen backbone"
        case .finetune: return "pretrained, fine-tuned"
        case .scratch: return "random init (scratch)"
        }
    }
}
