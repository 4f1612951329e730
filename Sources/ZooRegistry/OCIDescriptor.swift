/// An OCI content descriptor: what a blob is, its digest and size, and string annotations.
public struct OCIDescriptor: Codable, Sendable, Equatable {
    /// What the blob is.
    public var mediaType: String
    /// The blob's content digest.
    public var digest: Digest
    /// The blob's size in bytes.
    public var size: Int64
    /// Set on manifest descriptors in `index.json` (OCI image spec 1.1).
    public var artifactType: String?
    /// String facts about the blob (formats/store.md, "Annotations").
    public var annotations: [String: String]?

    /// A descriptor from its parts.
    public init(mediaType: String, digest: Digest, size: Int64, artifactType: String? = nil,
                annotations: [String: String]? = nil) {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.artifactType = artifactType
        self.annotations = annotations
    }
}
