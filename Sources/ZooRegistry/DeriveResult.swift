/// What committing a derived model added to the store.
public struct DeriveResult: Codable, Sendable, Equatable {
    /// The version written.
    public var version: ModelVersion
    /// Bytes of blobs that were not in the store before: new tensors, config and manifest.
    public var newBlobBytes: UInt64
    /// Bytes of tensor streams carried from the parent (no bytes written for them).
    public var reusedBlobBytes: UInt64
    /// Names of the tensors that were encoded anew (a grafted head's), in order.
    public var newTensors: [String]

    public init(version: ModelVersion, newBlobBytes: UInt64, reusedBlobBytes: UInt64, newTensors: [String]) {
        self.version = version
        self.newBlobBytes = newBlobBytes
        self.reusedBlobBytes = reusedBlobBytes
        self.newTensors = newTensors
    }

    private enum CodingKeys: String, CodingKey {
        case version, newBlobBytes = "new_blob_bytes", reusedBlobBytes = "reused_blob_bytes"
        case newTensors = "new_tensors"
    }
}
