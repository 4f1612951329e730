/// A dict or OrderedDict a pickle built: entries in insertion order (Python 3.7+ keeps it), with
/// a hash index so a repeated key replaces its value in place.
public struct PickleDict: Sendable {
    /// Key-value pairs in insertion order.
    public private(set) var entries: [(key: PickleValue, value: PickleValue)] = []
    /// Whether the pickle made it with `collections.OrderedDict`.
    public var isOrdered: Bool
    /// The attributes BUILD set on it (a state dict's `_metadata`); read, never interpreted.
    public var attributes: PickleValue?
    private var positions: [PickleKey: Int] = [:]

    init(isOrdered: Bool) { self.isOrdered = isOrdered }

    /// Sets `key` (hashed as `hashable`) to `value`.
    mutating func set(_ key: PickleValue, hashable: PickleKey, _ value: PickleValue) {
        if let at = positions[hashable] {
            entries[at].value = value
        } else {
            positions[hashable] = entries.count
            entries.append((key, value))
        }
    }

    /// The value stored under the string key `key`.
    public func value(forKey key: String) -> PickleValue? {
        positions[.string(key)].map { entries[$0].value }
    }
}
