/// An OCI image manifest: one model version. The config blob is the `ModelConfig`; each layer is
/// one tensor's encoded stream, in the order of the config's tensor records.
public struct OCIManifest: Codable, Sendable, Equatable {
    public var schemaVersion: Int
    public var mediaType: String
    public var artifactType: String?
    public var config: OCIDescriptor
    public var layers: [OCIDescriptor]
    public var annotations: [String: String]?

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
