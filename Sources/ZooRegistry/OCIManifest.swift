/// An OCI image manifest: one model version. The config blob is the `ModelConfig`; each layer is
/// one tensor's encoded stream, in the order of the config's tensor records.
public struct OCIManifest: Codable, Sendable, Equatable {
    /// Always 2.
    public var schemaVersion: Int
    /// The manifest media type.
    public var mediaType: String
    /// `application/vnd.zoo.model.v1`.
    public var artifactType: String?
    /// The config blob (`ModelConfig`).
    public var config: OCIDescriptor
    /// One tensor stream each, in the config's tensor order.
    public var layers: [OCIDescriptor]
    /// Name, version, creation time and parent.
    public var annotations: [String: String]?

    /// A manifest for a model version.
    public init(artifactType: String? = MediaType.modelArtifact, config: OCIDescriptor,
                layers: [OCIDescriptor], annotations: [String: String]? = nil) {
        self.schemaVersion = 2
        self.mediaType = MediaType.manifest
        self.artifactType = artifactType
        self.config = config
        self.layers = layers
        self.annotations = annotations
    }
}
