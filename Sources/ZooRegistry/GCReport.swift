/// What `Store.gc` removed (or, in a dry run, would remove).
public struct GCReport: Codable, Sendable, Equatable {
    /// Unreferenced blobs, by digest.
    public var blobs: [Digest]
    /// Bytes of those blobs.
    public var blobBytes: UInt64
    /// Temporary files left by interrupted writers.
    public var temporaryFiles: Int
    /// Bytes of those files.
    public var temporaryBytes: UInt64
    /// Whether nothing was deleted.
    public var dryRun: Bool
    /// Feature cache entries removed (all of them under `gc --features`, else only damaged ones).
    public var featureEntries = 0
    /// Feature cache files removed (entries and feature files, leftovers included).
    public var featureFiles = 0
    /// Bytes of those files.
    public var featureBytes: UInt64 = 0

    /// Everything freed.
    public var freedBytes: UInt64 { blobBytes + temporaryBytes + featureBytes }

    private enum CodingKeys: String, CodingKey {
        case blobs, blobBytes = "blob_bytes", temporaryFiles = "temporary_files",
             temporaryBytes = "temporary_bytes", dryRun = "dry_run", freedBytes = "freed_bytes",
             featureEntries = "feature_cache_entries", featureFiles = "feature_cache_files", featureBytes = "feature_cache_bytes"
    }

    /// A report; `freedBytes` is derived.
    public init(blobs: [Digest], blobBytes: UInt64, temporaryFiles: Int, temporaryBytes: UInt64, dryRun: Bool) {
        self.blobs = blobs
        self.blobBytes = blobBytes
        self.temporaryFiles = temporaryFiles
        self.temporaryBytes = temporaryBytes
        self.dryRun = dryRun
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        blobs = try c.decode([Digest].self, forKey: .blobs)
        blobBytes = try c.decode(UInt64.self, forKey: .blobBytes)
        temporaryFiles = try c.decode(Int.self, forKey: .temporaryFiles)
        temporaryBytes = try c.decode(UInt64.self, forKey: .temporaryBytes)
        dryRun = try c.decode(Bool.self, forKey: .dryRun)
        featureEntries = try c.decodeIfPresent(Int.self, forKey: .featureEntries) ?? 0
        featureFiles = try c.decodeIfPresent(Int.self, forKey: .featureFiles) ?? 0
        featureBytes = try c.decodeIfPresent(UInt64.self, forKey: .featureBytes) ?? 0
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(blobs, forKey: .blobs)
        try c.encode(blobBytes, forKey: .blobBytes)
        try c.encode(temporaryFiles, forKey: .temporaryFiles)
        try c.encode(temporaryBytes, forKey: .temporaryBytes)
        try c.encode(dryRun, forKey: .dryRun)
        try c.encode(freedBytes, forKey: .freedBytes)
        try c.encode(featureEntries, forKey: .featureEntries)
        try c.encode(featureFiles, forKey: .featureFiles)
        try c.encode(featureBytes, forKey: .featureBytes)
    }
}
