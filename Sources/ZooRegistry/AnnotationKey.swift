/// The annotation keys the store writes (formats/store.md, "Annotations").
public enum AnnotationKey {
    /// OCI's reference name: `name:N` on a version, `name:TAG` on a tag.
    public static let refName = "org.opencontainers.image.ref.name"
    /// OCI's creation time (ISO 8601, UTC).
    public static let created = "org.opencontainers.image.created"
    /// Model name.
    public static let name = "dev.modelzoo.name"
    /// Version number (decimal) on a version entry and in its manifest.
    public static let version = "dev.modelzoo.version"
    /// Tag on a tag entry.
    public static let tag = "dev.modelzoo.tag"
    /// Parameter count (decimal).
    public static let parameters = "dev.modelzoo.parameters"
    /// Sum of the tensors' raw bytes (decimal).
    public static let rawBytes = "dev.modelzoo.raw-bytes"
    /// Sum of the tensors' stored (encoded) bytes (decimal).
    public static let storedBytes = "dev.modelzoo.stored-bytes"
    /// Number of tensors (decimal).
    public static let tensorCount = "dev.modelzoo.tensors"
    /// Parent manifest digest, when the version has one.
    public static let parent = "dev.modelzoo.parent"
    /// Lineage operation (`import`, `slice`, ...).
    public static let operation = "dev.modelzoo.operation"
    /// Prefix of the index-level keys holding the highest version ever given to a name
    /// (`dev.modelzoo.last-version.bert` = `7`), so removed version numbers are never reused.
    public static let lastVersionPrefix = "dev.modelzoo.last-version."
    /// Tensor name on a layer.
    public static let tensorName = "dev.modelzoo.tensor.name"
    /// Tensor dtype on a layer (`F32`).
    public static let tensorDType = "dev.modelzoo.tensor.dtype"
    /// Tensor shape on a layer, dimensions joined by commas (`384,768`; empty for a scalar).
    public static let tensorShape = "dev.modelzoo.tensor.shape"
    /// Tensor codec on a layer (`raw`, `deflate`, `planes`).
    public static let tensorCodec = "dev.modelzoo.tensor.codec"
}
