/// One version of a model as `index.json` lists it: everything `list` shows, read without
/// opening any blob.
public struct ModelVersion: Codable, Sendable, Equatable {
    /// Model name.
    public var name: String
    /// Version number, counted up per name from 1.
    public var version: Int
    /// Tags pointing at this version: `prod` for a tag of the same name, `other:prod` otherwise.
    public var tags: [String]
    /// Manifest digest.
    public var digest: Digest
    /// Manifest size in bytes.
    public var manifestSize: Int64
    /// Parameter count (sum of element counts).
    public var parameters: Int
    /// Sum of the tensors' raw (decoded) bytes: the logical size.
    public var rawBytes: UInt64
    /// Sum of the tensors' stored (encoded) bytes.
    public var storedBytes: UInt64
    /// Number of tensors (manifest layers).
    public var tensorCount: Int
    /// ISO 8601 creation time (UTC).
    public var created: String
    /// Parent manifest digest (lineage), if any.
    public var parent: Digest?
    /// Lineage operation that made this version (`import`, `slice`, ...), if recorded.
    public var operation: String?

    /// A version entry from its parts.
    public init(name: String, version: Int, tags: [String], digest: Digest, manifestSize: Int64,
                parameters: Int, rawBytes: UInt64, storedBytes: UInt64, tensorCount: Int,
                created: String, parent: Digest?, operation: String?) {
        self.name = name
        self.version = version
        self.tags = tags
        self.digest = digest
        self.manifestSize = manifestSize
        self.parameters = parameters
        self.rawBytes = rawBytes
        self.storedBytes = storedBytes
        self.tensorCount = tensorCount
        self.created = created
        self.parent = parent
        self.operation = operation
    }

    /// `name:N`.
    public var reference: String { "\(name):\(version)" }

    private enum CodingKeys: String, CodingKey {
        case name, version, tags, digest, parameters, created, parent, operation
        case manifestSize = "manifest_size", rawBytes = "raw_bytes", storedBytes = "stored_bytes"
        case tensorCount = "tensors"
    }

    public func encode(to encoder: Encoder) throws {
        // `parent` is written as null when absent, so scripts always find the key.
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(version, forKey: .version)
        try c.encode(tags, forKey: .tags)
        try c.encode(digest, forKey: .digest)
        try c.encode(manifestSize, forKey: .manifestSize)
        try c.encode(parameters, forKey: .parameters)
        try c.encode(rawBytes, forKey: .rawBytes)
        try c.encode(storedBytes, forKey: .storedBytes)
        try c.encode(tensorCount, forKey: .tensorCount)
        try c.encode(created, forKey: .created)
        try c.encode(parent, forKey: .parent)
        try c.encode(operation, forKey: .operation)
    }
}
