extension LearningRateSchedule {
    /// Parses a command-line schedule: `constant`, `step:SIZE[:GAMMA]` (gamma 0.1), `cosine[:MIN]`,
    /// `sgdr:T0[:TMULT[:MIN]]` (also `restarts:`).
    public init(parsing text: String) throws(TrainError) {
        let parts = text.lowercased().split(separator: ":").map(String.init)
        func number(_ i: Int, _ fallback: Double) throws(TrainError) -> Double {
            guard i < parts.count else { return fallback }
            guard let v = Double(parts[i]) else {
                throw TrainError(.invalidConfiguration, "'\(parts[i])' in schedule '\(text)' is not a number")
            }
            return v
        }
        func integer(_ i: Int, _ fallback: Int) throws(TrainError) -> Int {
            guard i < parts.count else { return fallback }
            guard let v = Int(parts[i]) else {
                throw TrainError(.invalidConfiguration, "'\(parts[i])' in schedule '\(text)' is not a whole number")
            }
            return v
        }
        switch parts.first ?? "" {
        case "constant" where parts.count == 1: self = .constant
        case "step" where parts.count >= 2 && parts.count <= 3:
            self = .step(stepSize: try integer(1, 1), gamma: try number(2, 0.1))
        case "cosine" where parts.count <= 2: self = .cosine(minimum: try number(1, 0))
        case "sgdr" where parts.count >= 2 && parts.count <= 4, "restarts" where parts.count >= 2 && parts.count <= 4:
            self = .cosineWarmRestarts(t0: try integer(1, 1), tMult: try integer(2, 1), minimum: try number(3, 0))
        default:
            throw TrainError(.invalidConfiguration,
                             "unknown schedule '\(text)'; use constant, step:SIZE[:GAMMA], cosine[:MIN] or sgdr:T0[:TMULT[:MIN]]")
        }
    }
}
