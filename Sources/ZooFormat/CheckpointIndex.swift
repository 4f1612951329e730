/// A format version: major changes break readers; minor changes add what older readers ignore, or
/// a plane method they refuse chunk by chunk (formats/zckpt-v1.md, §8 "Version policy").
public struct FormatVersion: Codable, Sendable, Equatable, Comparable, CustomStringConvertible {
    public var major: UInt16
    public var minor: UInt16
    public init(major: UInt16, minor: UInt16) { self.major = major; self.minor = minor }
    /// The version this library writes.
    public static let current = FormatVersion(major: 1, minor: 1)
    public static func < (a: FormatVersion, b: FormatVersion) -> Bool { (a.major, a.minor) < (b.major, b.minor) }
    public var description: String { "\(major).\(minor)" }
}

/// The index of a `.zckpt` file: its tensors in stream order, the safetensors-style string
/// metadata, and the model description, which this module carries without interpreting.
public struct CheckpointIndex: Codable, Sendable, Equatable {
    public var tensors: [TensorRecord]
    /// String-to-string metadata (safetensors' `__metadata__`), carried byte-exact.
    public var metadata: [String: String]
    /// The model description (ZooModel's `ModelDescription` as JSON), if any.
    public var model: JSONValue?

    public init(tensors: [TensorRecord] = [], metadata: [String: String] = [:], model: JSONValue? = nil) {
        self.tensors = tensors
        self.metadata = metadata
        self.model = model
    }

    /// Parameter count: the sum of element counts.
    public var parameterCount: Int { tensors.reduce(0) { $0 + $1.elementCount } }
    /// Sum of raw bytes of all tensors.
    public var rawBytes: UInt64 { tensors.reduce(0) { $0 + $1.rawBytes } }
    /// Sum of stored bytes of all tensors.
    public var storedBytes: UInt64 { tensors.reduce(0) { $0 + $1.storedBytes } }
}
