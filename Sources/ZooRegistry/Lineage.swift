/// Where a version came from and what was made from it (`zoo lineage`).
public struct Lineage: Codable, Sendable, Equatable {
    /// The version itself first, then its parent, grandparent, ... until a version with no parent
    /// or one no longer in the store.
    public var chain: [LineageStep]
    /// Versions whose parent is this version (`name:N`).
    public var children: [String]
}
