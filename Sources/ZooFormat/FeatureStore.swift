/// Where a frozen backbone's outputs are kept between runs: a keyed set of feature files.
///
/// The trainer (ZooTrain) uses it and the store (ZooRegistry's `FeatureCache`) implements it;
/// it lives here, beside the file format, because neither of those modules imports the other.
/// Implementations must never hand out a file they have not checked against its entry: a missing,
/// truncated or corrupt entry is a miss, never a hit (formats/store.md, "The feature cache").
public protocol FeatureStore: Sendable {
    /// The entry for `key` with its file open (header and size checked; the caller checks the
    /// content with `FeatureFileReader.verify` or `loadAll` against `entry.sha256`), or a miss.
    /// A damaged entry is removed and reported as `.damaged`.
    func lookup(_ key: FeatureKey) -> FeatureLookup
    /// Removes the entry for `key` (its content failed a check); best effort.
    func discard(_ key: FeatureKey, reason: String)
    /// A writer for a new entry of `rows` rows of `key.featureShape`, in the store's temporary space.
    func makeWriter(for key: FeatureKey, rows: Int) throws -> FeatureFileWriter
    /// Finishes `writer` and makes its file the entry for `key` (evicting older entries to stay
    /// within the store's limit), returning the entry and a reader of the file.
    func commit(_ writer: FeatureFileWriter, key: FeatureKey, badRows: [FeatureBadRow]) throws -> FeatureCommit
}

/// What a cached feature set is a function of. Two runs with equal keys compute equal features.
public struct FeatureKey: Sendable, Hashable, Codable {
    /// `sha256:` digest of the frozen prefix: each layer's description and tensors.
    public var backbone: String
    /// `DataSource.contentDigest()` of the samples (files, labels, order, preprocessing).
    public var data: String
    /// Per-sample input shape (the preprocessing's output size).
    public var inputShape: [Int]
    /// Per-sample output shape of the prefix.
    public var featureShape: [Int]
    /// The build and CPU that compute the features (kernels may differ in the last bit elsewhere).
    public var compute: String

    /// A key from its parts.
    public init(backbone: String, data: String, inputShape: [Int], featureShape: [Int], compute: String) {
        self.backbone = backbone
        self.data = data
        self.inputShape = inputShape
        self.featureShape = featureShape
        self.compute = compute
    }

    /// SHA-256 (lowercase hex) of the key's canonical text: the entry's name.
    public var digest: String {
        var h = SHA256Hasher()
        h.update(Array(canonicalText.utf8))
        return h.finalizeHex()
    }

    /// One line per part, in a fixed order.
    public var canonicalText: String {
        "zoo-features-key 1\nbackbone \(backbone)\ndata \(data)\ninput \(inputShape)\nfeatures \(featureShape)\ncompute \(compute)\n"
    }

    private enum CodingKeys: String, CodingKey {
        case backbone, data, inputShape = "input_shape", featureShape = "feature_shape", compute
    }
}

/// A sample that did not decode when the features were computed (under `--skip-bad`): its row
/// is zeros and is never used; a later run reports it as the first did.
public struct FeatureBadRow: Sendable, Hashable, Codable {
    /// The sample's index in the data.
    public var index: Int
    /// The data error's kind (`DataError.Kind` raw value).
    public var kind: String
    /// The data error's message.
    public var reason: String

    /// A bad row.
    public init(index: Int, kind: String, reason: String) {
        self.index = index
        self.kind = kind
        self.reason = reason
    }
}

/// One stored feature set: its key, its file, and its bad rows.
public struct FeatureEntry: Sendable, Equatable, Codable {
    /// What the features are a function of.
    public var key: FeatureKey
    /// SHA-256 (lowercase hex) of the feature file, which names it.
    public var sha256: String
    /// The file's size in bytes.
    public var size: UInt64
    /// Rows (samples).
    public var rows: Int
    /// Samples that did not decode, by index.
    public var badRows: [FeatureBadRow]
    /// When the entry was made (ISO 8601, UTC).
    public var created: String

    /// An entry.
    public init(key: FeatureKey, sha256: String, size: UInt64, rows: Int, badRows: [FeatureBadRow], created: String) {
        self.key = key
        self.sha256 = sha256
        self.size = size
        self.rows = rows
        self.badRows = badRows
        self.created = created
    }

    private enum CodingKeys: String, CodingKey {
        case key, sha256, size, rows, badRows = "bad_rows", created
    }
}

/// The answer of `FeatureStore.lookup`.
public enum FeatureLookup: Sendable {
    /// The entry, its file open and its header checked.
    case hit(FeatureEntry, FeatureFileReader)
    /// No entry.
    case miss
    /// There was an entry but it was unusable (removed); the reason says why.
    case damaged(String)
}

/// The answer of `FeatureStore.commit`.
public struct FeatureCommit: Sendable {
    /// The entry as stored.
    public var entry: FeatureEntry
    /// The file, open (it stays readable even when it was not kept).
    public var reader: FeatureFileReader
    /// False when the entry alone exceeds the store's limit: it serves this run only.
    public var kept: Bool
    /// Older entries removed to make room.
    public var evicted: Int

    /// A commit's outcome.
    public init(entry: FeatureEntry, reader: FeatureFileReader, kept: Bool, evicted: Int) {
        self.entry = entry
        self.reader = reader
        self.kept = kept
        self.evicted = evicted
    }
}
