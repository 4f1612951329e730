import ZooFormat

/// One change to metadata made because the layer count changed.
public struct MetadataUpdate: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Dotted path in the metadata, for example `hf_config.num_hidden_layers` or `labels`.
    public var key: String
    /// The value before; nil when there was none.
    public var old: JSONValue?
    /// The value after; nil when removed.
    public var new: JSONValue?

    public init(key: String, old: JSONValue?, new: JSONValue?) {
        self.key = key
        self.old = old
        self.new = new
    }

    /// `hf_config.num_hidden_layers: 6 -> 3`.
    public var description: String { "\(key): \(render(old)) -> \(render(new))" }

    private func render(_ v: JSONValue?) -> String {
        switch v {
        case nil, .null?: return "(none)"
        case .number?: return v?.intValue.map(String.init) ?? String(v?.doubleValue ?? 0)
        case .string(let s)?: return s
        case .array(let a)?: return "[\(a.count) items]"
        case .bool(let b)?: return String(b)
        case .object?: return "{...}"
        }
    }
}
