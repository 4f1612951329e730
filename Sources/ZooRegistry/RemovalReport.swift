/// What `Store.remove` took out of the index. Blobs are never deleted here; `gc` does that.
public struct RemovalReport: Codable, Sendable, Equatable {
    /// Versions removed (`name:N`).
    public var versions: [String]
    /// Tags removed (`name:tag`), including tags that pointed at a removed version.
    public var tags: [String]
}
