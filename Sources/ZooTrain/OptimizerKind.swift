/// Which update rule an `Optimizer` applies; defaults are PyTorch's.
public enum OptimizerKind: Sendable, Equatable, Hashable {
    /// SGD with optional momentum (dampening 0) and Nesterov momentum; weight decay is added to the gradient.
    case sgd(momentum: Double = 0, nesterov: Bool = false)
    /// Adam; weight decay is added to the gradient (L2), as `torch.optim.Adam`.
    case adam(beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8)
    /// AdamW: weight decay is decoupled, `p -= lr·wd·p` before the Adam step.
    case adamW(beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8)

    /// The name used in configurations and lineage (`sgd`, `adam`, `adamw`).
    public var name: String {
        switch self {
        case .sgd: return "sgd"
        case .adam: return "adam"
        case .adamW: return "adamw"
        }
    }
}
