/// How a transfer-learning run uses the pretrained network.
public enum TransferRegime: String, Codable, Sendable, CaseIterable, Hashable {
    /// Pretrained backbone frozen; only the new head trains.
    case frozen
    /// Pretrained backbone and new head all train.
    case finetune
    /// Linear probe, then fine-tune (LP-FT): the head trains on the frozen backbone first, then
    /// the whole network trains from there, usually at a lower learning rate, so the backbone's
    /// features are not disturbed by the gradients of a random head.
    case lpft
    /// The same architecture from random initialisation, all trained (the "architecture only" control).
    case scratch

    /// A label for tables and legends.
    public var title: String {
        switch self {
        case .frozen: return "pretrained, frozen backbone"
        case .finetune: return "pretrained, fine-tuned"
        case .lpft: return "pretrained, linear probe then fine-tune"
        case .scratch: return "random init (scratch)"
        }
    }
}
