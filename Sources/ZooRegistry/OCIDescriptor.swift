/// An OCI content descriptor: what a blob is, its digest and size, and string annotations.
public struct OCIDescriptor: Codable, Sendable, Equatable {
    public var mediaType: String
    public var digest: Digest
    public var size: Int64
    /// Set on manifest descriptors in `index.json` (OCI image spec 1.1).
    public var artifactType: String?
    public var annotations: [String: String]?

    public init(mediaType: String, digest: Digest, size: Int64, artifactType: String? = nil,
                annotations: [String: String]? = nil) {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.artifactType = artifactType
        self.annotations = annotations
    }
}
