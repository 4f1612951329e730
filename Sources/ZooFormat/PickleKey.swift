/// A dict key made hashable: the immutable values Python can hash (None, bools, ints, floats,
/// strings, bytes, globals and tuples of these). SETITEM with an existing key replaces its value, as
/// in Python.
enum PickleKey: Hashable {
    case none
    case bool(Bool)
    case int(Int64)
    case bigInt([UInt8])
    case float(UInt64)
    case string(String)
    case bytes([UInt8])
    case tuple([PickleKey])
    case global(String)

    /// Deepest tuple-in-tuple key accepted (a bound on the recursion here).
    static let maxDepth = 16

    /// The key for `value`, or nil when Python could not hash it (a list, dict, set, tensor) or it
    /// nests tuples deeper than `maxDepth`.
    init?(_ value: PickleValue, objects: PickleObjects, depth: Int = 0) {
        switch value {
        case .none: self = .none
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(i)
        case .bigInt(let b): self = .bigInt(b)
        case .float(let d): self = .float(d.bitPattern)
        case .string(let s): self = .string(s)
        case .bytes(let b): self = .bytes(b)
        case .global(let g): self = .global(g.qualifiedName)
        case .tuple(let t):
            guard depth < Self.maxDepth else { return nil }
            var keys: [PickleKey] = []
            keys.reserveCapacity(objects.tuples[t].count)
            for item in objects.tuples[t] {
                guard let key = PickleKey(item, objects: objects, depth: depth + 1) else { return nil }
                keys.append(key)
            }
            self = .tuple(keys)
        case .list, .set, .dict, .storage, .tensor, .device: return nil
        }
    }
}
