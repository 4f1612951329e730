extension OptimizerKind {
    /// `sgd`, `adam` or `adamw` with the given SGD momentum and Nesterov flag (ignored by Adam).
    public init(name: String, momentum: Double = 0, nesterov: Bool = false) throws(TrainError) {
        switch name.lowercased() {
        case "sgd": self = .sgd(momentum: momentum, nesterov: nesterov)
        case "adam": self = .adam()
        case "adamw": self = .adamW()
        default: throw TrainError(.invalidConfiguration, "unknown optimizer '\(name)'; use sgd, adam or adamw")
        }
    }
}
