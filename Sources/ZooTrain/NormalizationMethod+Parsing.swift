extension NormalizationMethod {
    /// `none`, `scale:X` (divide by X), `max` (divide by the largest value) or `standardize`.
    public init(parsing text: String) throws(TrainError) {
        let lower = text.lowercased()
        switch lower {
        case "none": self = .none
        case "max", "maxabs": self = .maxAbs
        case "standardize", "standardise", "zscore": self = .standardize
        default:
            if lower.hasPrefix("scale:"), let x = Double(lower.dropFirst(6)), x != 0, x.isFinite {
                self = .scale(x)
            } else {
                throw TrainError(.invalidConfiguration, "unknown normalisation '\(text)'; use none, scale:X, max or standardize")
            }
        }
    }
}
