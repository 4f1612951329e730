/// One value a pickle builds. Containers (tuples, lists, sets, dicts) and tensors live in
/// `PickleObjects` and are referred to by index, as the memo refers to them: a later APPENDS or
/// SETITEMS changes the one object every reference sees; a pickle that puts a list inside itself
/// makes no reference cycle in memory; and no value nests inside another in memory, so a million
/// nested tuples cannot overflow the stack when they are freed (walks are depth-limited instead).
public enum PickleValue: Sendable {
    /// `None`.
    case none
    /// `True` / `False`.
    case bool(Bool)
    /// An integer that fits 64 bits.
    case int(Int64)
    /// A larger integer: its little-endian two's-complement bytes (LONG1/LONG4), as the legacy
    /// container's magic number is written.
    case bigInt([UInt8])
    /// A float.
    case float(Double)
    /// A `str` (valid UTF-8).
    case string(String)
    /// `bytes` or `bytearray`.
    case bytes([UInt8])
    /// A tuple: index into `PickleObjects.tuples`.
    case tuple(Int)
    /// A list: index into `PickleObjects.lists`.
    case list(Int)
    /// A set or frozenset: index into `PickleObjects.lists` (items in the order written).
    case set(Int)
    /// A dict or OrderedDict: index into `PickleObjects.dicts`.
    case dict(Int)
    /// A global from the allow-list.
    case global(PickleGlobal)
    /// A storage the container resolved from a persistent id: index into its storage table.
    case storage(Int)
    /// A tensor: index into `PickleObjects.tensors`.
    case tensor(Int)
    /// A `torch.device`, as text (`cpu`, `cuda:0`).
    case device(String)

    /// A few words for people: what kind of value this is.
    public var kindName: String {
        switch self {
        case .none: return "None"
        case .bool: return "bool"
        case .int, .bigInt: return "int"
        case .float: return "float"
        case .string: return "str"
        case .bytes: return "bytes"
        case .tuple: return "tuple"
        case .list: return "list"
        case .set: return "set"
        case .dict: return "dict"
        case .global(let g): return "global \(g.qualifiedName)"
        case .storage: return "storage"
        case .tensor: return "tensor"
        case .device: return "device"
        }
    }

    /// `kindName` with its article, for messages ("an int", "a dict", "None").
    public var withArticle: String {
        switch self {
        case .none, .global: return kindName
        case .int, .bigInt: return "an int"
        default: return "a " + kindName
        }
    }

    /// The value as an `Int`, when it is an integer that fits.
    var intValue: Int? {
        if case .int(let v) = self { return Int(exactly: v) }
        return nil
    }

    /// The value as text, when it is a `str`.
    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }
}
