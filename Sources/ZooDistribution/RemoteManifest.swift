import ZooRegistry

/// An image manifest as a registry serves it, read leniently (`mediaType` and `artifactType` are
/// optional in the OCI spec; Docker's v2 manifest has the same shape), to tell a zoo model from
/// another artifact and to list its blobs. A zoo model's bytes are then committed unchanged.
struct RemoteManifest: Decodable, Sendable {
    var schemaVersion: Int
    var mediaType: String?
    var artifactType: String?
    var config: OCIDescriptor
    var layers: [OCIDescriptor]
    var annotations: [String: String]?
}
