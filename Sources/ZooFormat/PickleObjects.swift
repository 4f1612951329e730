/// The mutable objects one or more pickles built, referred to by index from `PickleValue`.
public struct PickleObjects: Sendable {
    /// Tuples, by index.
    public internal(set) var tuples: [[PickleValue]] = []
    /// Lists and sets, by index.
    public internal(set) var lists: [[PickleValue]] = []
    /// Dicts, by index.
    public internal(set) var dicts: [PickleDict] = []
    /// Tensors, by index.
    public internal(set) var tensors: [PickleTensor] = []

    /// An empty table.
    public init() {}
}
