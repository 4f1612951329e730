/// Where the store's bytes go (`zoo du`). Sizes are blob sizes on disk (stored, encoded bytes).
public struct DiskUsage: Codable, Sendable, Equatable {
    /// One version: what it references, and what removing it (then `gc`) would free.
    public struct Entry: Codable, Sendable, Equatable {
        /// `name:N`, or a model name for a per-model row.
        public var reference: String
        /// Sum of the sizes of every blob referenced (manifest, config, tensors), shared or not.
        public var logicalBytes: UInt64
        /// Bytes of blobs referenced by this version (or model) and nothing else: what `rm` frees.
        public var exclusiveBytes: UInt64

        private enum CodingKeys: String, CodingKey {
            case reference, logicalBytes = "logical_bytes", exclusiveBytes = "exclusive_bytes"
        }
    }

    /// One row per version, sorted by name and version.
    public var versions: [Entry]
    /// One row per model name (all its versions).
    public var models: [Entry]
    /// Sum of the versions' logical bytes: what the store would take without dedupe.
    public var logicalBytes: UInt64
    /// Bytes of the distinct referenced blobs: what the store takes on disk.
    public var uniqueBytes: UInt64
    /// Bytes of blobs nothing references (`gc` frees them).
    public var unreferencedBytes: UInt64
    /// Bytes of leftover temporary files (`gc` frees them).
    public var temporaryBytes: UInt64
    /// Entries of the feature cache (frozen backbones' outputs; `gc --features` drops them).
    public var featureCacheEntries = 0
    /// Bytes of the feature cache's entries and feature files (not in `uniqueBytes`).
    public var featureCacheBytes: UInt64 = 0
    /// Bytes of the feature cache's leftovers (`gc` frees them).
    public var featureCacheLeftoverBytes: UInt64 = 0

    private enum CodingKeys: String, CodingKey {
        case versions, models, logicalBytes = "logical_bytes", uniqueBytes = "unique_bytes",
             unreferencedBytes = "unreferenced_bytes", temporaryBytes = "temporary_bytes",
             featureCacheEntries = "feature_cache_entries", featureCacheBytes = "feature_cache_bytes",
             featureCacheLeftoverBytes = "feature_cache_leftover_bytes"
    }
}
