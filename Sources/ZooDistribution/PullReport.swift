import ZooRegistry

/// What a pull did (`zoo pull --json`).
public struct PullReport: Codable, Sendable, Equatable {
    /// Where it came from, `REGISTRY/REPO:TAG` or `…@sha256:…`.
    public var source: String
    /// The registry manifest's digest.
    public var digest: Digest
    /// The version in the store (for a zoo model, its manifest digest is `digest`).
    public var version: ModelVersion
    /// Whether the version is new (false when the store had it under that name already).
    public var isNew: Bool
    /// Lineage parents added with it, oldest first.
    public var parents: [ModelVersion]
    /// Distinct blobs the manifests reference.
    public var blobs: Int
    /// Blobs the store had already.
    public var presentBlobs: Int
    /// Blobs downloaded (wholly or the rest of an interrupted download).
    public var fetchedBlobs: Int
    /// Bytes downloaded in this run.
    public var fetchedBytes: Int64
    /// Bytes an interrupted earlier pull had left, which this one kept.
    public var resumedBytes: Int64
    /// The artifact was a plain `.safetensors` layer, imported (encoded) as a new version.
    public var imported: String?
    /// Wall time.
    public var seconds: Double

    private enum CodingKeys: String, CodingKey {
        case source, digest, version, parents, blobs, seconds, imported
        case isNew = "new", presentBlobs = "present_blobs", fetchedBlobs = "fetched_blobs"
        case fetchedBytes = "fetched_bytes", resumedBytes = "resumed_bytes"
    }
}
