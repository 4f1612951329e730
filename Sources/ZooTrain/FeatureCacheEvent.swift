/// What the trainer did about one data set's frozen-prefix outputs: made them, used them, or
/// could not cache them (and why).
public struct FeatureCacheEvent: Sendable, Equatable {
    /// The outcome.
    public enum Status: String, Sendable, Equatable {
        /// Computed (one forward pass of the prefix over the data) and kept.
        case made
        /// Taken from the cache: no prefix forward at all.
        case used
        /// The cache does not apply (augmented samples); the prefix runs every epoch.
        case skipped
        /// The cache applies but could not be read or written; `note` says why.
        case failed
    }

    /// Which data: `training`, `validation`, `test` or `data`.
    public var role: String
    /// The outcome.
    public var status: Status
    /// Layers whose outputs are cached (the frozen ones and fixed-function layers after them).
    public var prefixLayers: Int
    /// Samples.
    public var rows: Int
    /// Per-sample feature shape.
    public var featureShape: [Int]
    /// Bytes of the feature file (or of the features in memory).
    public var bytes: UInt64
    /// The entry's key digest (nil when skipped).
    public var key: String?
    /// Whether the store holds the entry now (false for in-memory features and oversized entries).
    public var stored: Bool
    /// Details: "in memory", "recomputed: ...", "not kept: ...", or the reason for skipped/failed.
    public var note: String?

    /// An event.
    public init(role: String, status: Status, prefixLayers: Int, rows: Int, featureShape: [Int], bytes: UInt64,
                key: String? = nil, stored: Bool = false, note: String? = nil) {
        self.role = role
        self.status = status
        self.prefixLayers = prefixLayers
        self.rows = rows
        self.featureShape = featureShape
        self.bytes = bytes
        self.key = key
        self.stored = stored
        self.note = note
    }
}
