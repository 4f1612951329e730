extension FreezeSpec {
    /// `backbone`, `none`, `model` (the description's own spec) or a layer count `K`.
    public init(parsing text: String) throws(TrainError) {
        switch text.lowercased() {
        case "backbone": self = .backbone
        case "none": self = .none
        case "model", "description": self = .description
        default:
            guard let n = Int(text), n >= 0 else {
                throw TrainError(.invalidConfiguration, "unknown freeze '\(text)'; use backbone, none, model or a number of layers")
            }
            self = .layers(n)
        }
    }
}
