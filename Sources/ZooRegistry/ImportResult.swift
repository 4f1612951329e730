/// What an import added: the new version and how many of its bytes were new to the store.
public struct ImportResult: Codable, Sendable, Equatable {
    /// The version written.
    public var version: ModelVersion
    /// Bytes of tensor blobs that were not in the store before.
    public var newBlobBytes: UInt64
    /// Bytes of tensor streams the store had already (stored once, now shared).
    public var reusedBlobBytes: UInt64
    /// The model's architecture (`torchvision.resnet50`): recognised from the tensors, or from the
    /// description given or carried; nil when unknown.
    public var architecture: String? = nil
    /// Why the tensors were not recognised although they look like a known family (the closest
    /// candidate and the first difference); nil otherwise.
    public var notRecognisedBecause: String? = nil

    private enum CodingKeys: String, CodingKey {
        case version, newBlobBytes = "new_blob_bytes", reusedBlobBytes = "reused_blob_bytes", architecture
        case notRecognisedBecause = "not_recognised_because"
    }
}
