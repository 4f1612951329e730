import ZooRegistry

/// What a push did (`zoo push --json`).
public struct PushReport: Codable, Sendable, Equatable {
    /// The local version pushed (`name:N`).
    public var version: String
    /// Where it went, `REGISTRY/REPO:TAG`.
    public var target: String
    /// Its manifest digest (the same in the store and in the registry).
    public var digest: Digest
    /// Manifests put: the version's and those of its lineage parents.
    public var manifests: Int
    /// Distinct blobs the manifests reference (configs and tensors).
    public var blobs: Int
    /// Blobs the repository had already (HEAD found them).
    public var existingBlobs: Int
    /// Blobs mounted from another repository of the registry (not sent).
    public var mountedBlobs: Int
    /// Blobs sent.
    public var uploadedBlobs: Int
    /// Bytes sent in blobs.
    public var uploadedBytes: Int64
    /// Blobs sent in chunks (larger than the chunk size).
    public var chunkedBlobs: Int
    /// Wall time.
    public var seconds: Double

    private enum CodingKeys: String, CodingKey {
        case version, target, digest, manifests, blobs, seconds
        case existingBlobs = "existing_blobs", mountedBlobs = "mounted_blobs", uploadedBlobs = "uploaded_blobs"
        case uploadedBytes = "uploaded_bytes", chunkedBlobs = "chunked_blobs"
    }
}
