import ZooFormat

/// One step of a version's history: which version (if still in the store), how it was made, from what.
public struct LineageStep: Codable, Sendable, Equatable {
    /// Manifest digest of this step's version.
    public var digest: Digest
    /// `name:N` when a version in the store has this manifest; nil once it was removed.
    public var reference: String?
    /// The lineage operation (`import`, `slice`, ...); nil when the version records none or is gone.
    public var operation: String?
    /// The operation's parameters.
    public var parameters: [String: JSONValue]
    /// When the version was made.
    public var created: String?
    /// The parent's manifest digest.
    public var parent: Digest?
}
