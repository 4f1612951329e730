/// What architecture recognition made of a checkpoint's tensors.
public enum ArchitectureMatch: Sendable, Equatable {
    /// Every tensor matches a known architecture by name and shape: `description` runs it.
    case recognised(architecture: String, description: ModelDescription)
    /// The names look like a known family, but no member matches: the closest one, how many
    /// tensors differ from it, and the first difference in forward order.
    case notRecognised(closest: String, differences: Int, first: String)
    /// The names are no known family's.
    case unknown

    /// The recognised architecture's name (`torchvision.resnet50`), nil otherwise.
    public var architecture: String? {
        if case .recognised(let name, _) = self { return name }
        return nil
    }

    /// The runnable description when recognised.
    public var description: ModelDescription? {
        if case .recognised(_, let d) = self { return d }
        return nil
    }

    /// One line for people: `torchvision.resnet50`, or why not.
    public var summary: String {
        switch self {
        case .recognised(let name, _):
            return name
        case .notRecognised(let closest, let n, let first):
            return "not recognised: closest is \(closest), \(n) tensor\(n == 1 ? "" : "s") differ\(n == 1 ? "s" : ""), first \(first)"
        case .unknown:
            return "not recognised: the tensor names are no known architecture's"
        }
    }
}
