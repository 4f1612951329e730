import ZooFormat

/// The media types the store writes (formats/store.md, "Media types").
public enum MediaType {
    /// OCI image index (`index.json`).
    public static let index = "application/vnd.oci.image.index.v1+json"
    /// OCI image manifest: one model version.
    public static let manifest = "application/vnd.oci.image.manifest.v1+json"
    /// The manifest's `artifactType`: a zoo model.
    public static let modelArtifact = "application/vnd.zoo.model.v1"
    /// The config blob: `ModelConfig` as JSON.
    public static let modelConfig = "application/vnd.zoo.model.config.v1+json"
    /// Prefix of a tensor layer's media type; the codec follows (`application/vnd.zoo.tensor.v1.raw`).
    public static let tensorPrefix = "application/vnd.zoo.tensor.v1."

    /// The layer media type of a tensor stream encoded with `codec`.
    public static func tensor(_ codec: Codec) -> String { tensorPrefix + codec.rawValue }
}
