/// The OCI image index (`index.json`): every version and every tag of the store, one descriptor
/// each, with the annotations `list` needs (formats/store.md, "index.json").
public struct OCIIndex: Codable, Sendable, Equatable {
    public var schemaVersion: Int
    public var mediaType: String?
    public var manifests: [OCIDescriptor]
    /// Store-wide facts, such as the highest version number each name has ever had.
    public var annotations: [String: String]?

    public init(manifests: [OCIDescriptor] = [], annotations: [String: String]? = nil) {
        self.schemaVersion = 2
        self.mediaType = MediaType.index
        self.manifests = manifests
        self.annotations = annotations
    }
}
