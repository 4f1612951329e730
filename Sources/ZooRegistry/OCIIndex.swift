/// The OCI image index (`index.json`): every version and every tag of the store, one descriptor
/// each, with the annotations `list` needs (formats/store.md, "index.json").
public struct OCIIndex: Codable, Sendable, Equatable {
    /// Always 2.
    public var schemaVersion: Int
    /// The index media type (optional in OCI, always written).
    public var mediaType: String?
    /// Version and tag entries, and any other tool's entries.
    public var manifests: [OCIDescriptor]
    /// Store-wide facts, such as the highest version number each name has ever had.
    public var annotations: [String: String]?

    /// An index of `manifests`.
    public init(manifests: [OCIDescriptor] = [], annotations: [String: String]? = nil) {
        self.schemaVersion = 2
        self.mediaType = MediaType.index
        self.manifests = manifests
        self.annotations = annotations
    }
}
