/// Finds the tensors to import in a checkpoint's object tree and names them
/// (formats/pytorch-checkpoints.md, §5 "Where the tensors are"):
///
/// 1. with `key`, the value at that path (keys joined with `.`; the longest key that matches wins);
/// 2. else the top level, when it is a dict that holds tensors directly (a state dict);
/// 3. else the first of `preferredKeys` whose value holds tensors;
/// 4. else the one top-level entry that holds tensors (several: an error listing them).
///
/// Tensors are named by the keys from there, joined with `.` (list items by index). A prefix every
/// name shares is removed when it is `module.` (DataParallel) or, in a Lightning checkpoint's
/// `state_dict`, `model.`. Every other value becomes an `Entry`. Walks are depth-limited and
/// visit at most `PyTorchLimits.maxValues` nodes, so cycles and shared sub-trees stay bounded.
struct PyTorchCheckpointLayout {
    typealias Tensor = PyTorchCheckpoint.Tensor
    typealias Entry = PyTorchCheckpoint.Entry

    /// Keys checkpoints commonly keep their weights under, in the order they are tried.
    static let preferredKeys = ["state_dict", "model_state_dict", "model", "module", "net", "network", "weights"]

    var tensors: [Tensor] = []
    var entries: [Entry] = []
    var key: String?
    var strippedPrefix: String?

    private let objects: PickleObjects
    private let storages: [PyTorchCheckpoint.Storage]
    private let views: [(storage: Int, offset: Int)]
    private var visits = 0

    init(parsed: PyTorchCheckpoint.Parsed, views: [(storage: Int, offset: Int)], key requested: String?) throws(FormatError) {
        objects = parsed.objects
        storages = parsed.storages
        self.views = views
        let root = parsed.root
        let path: [String]
        let chosen: PickleValue
        if let requested {
            (path, chosen) = try follow(root, Substring(requested), path: [])
        } else {
            (path, chosen) = try locate(root)
        }
        key = path.isEmpty ? nil : path.joined(separator: ".")
        var names: [String] = []
        if case .tensor = chosen {
            // --key names a single tensor: it keeps its last key as its name.
            try flatten(chosen, name: path.suffix(1), fullPath: path, depth: 0, names: &names)
        } else {
            try flatten(chosen, name: [], fullPath: path, depth: 0, names: &names)
        }
        guard !tensors.isEmpty else {
            throw FormatError(.invalidArgument, "the checkpoint holds no tensors\(key.map { " under '\($0)'" } ?? ""); run `zoo inspect` on it to see what it holds\(key == nil ? "" : ", and choose another --key")")
        }
        // The parts of the checkpoint beside the chosen path (epoch, optimizer state, ...).
        var level = root
        for (i, component) in path.enumerated() {
            guard let kids = children(of: level) else { break }
            for (k, v) in kids where k != component {
                entries.append(try describe(v, path: (path[..<i] + [k]).joined(separator: "."), depth: 0))
            }
            guard let next = kids.first(where: { $0.key == component })?.value else { break }
            level = next
        }
        stripPrefix(root: root, names: &names)
        var seen = Set<String>()
        for (i, name) in names.enumerated() {
            guard seen.insert(name).inserted else {
                throw FormatError(.malformed, "two tensors would both be named '\(name)'; the checkpoint's keys are ambiguous")
            }
            tensors[i].name = name
        }
    }

    // MARK: Finding the tensors

    private mutating func locate(_ root: PickleValue) throws(FormatError) -> ([String], PickleValue) {
        guard let kids = children(of: root) else {
            if case .tensor = root {
                throw FormatError(.invalidArgument, "the checkpoint is a single tensor, not a dict of named tensors; save it as {'name': tensor}")
            }
            throw FormatError(.invalidArgument, "the checkpoint holds \(root.withArticle), not a dict of tensors")
        }
        if case .dict = root, kids.contains(where: { if case .tensor = $0.value { return true } else { return false } }) {
            return ([], root)
        }
        for preferred in Self.preferredKeys {
            if let found = kids.first(where: { $0.key == preferred }), try holdsTensors(found.value, depth: 0) {
                return ([preferred], found.value)
            }
        }
        var holders: [(key: String, value: PickleValue)] = []
        for kid in kids where try holdsTensors(kid.value, depth: 0) { holders.append(kid) }
        if holders.count == 1, let only = holders.first { return ([only.key], only.value) }
        if holders.isEmpty {
            throw FormatError(.invalidArgument, "the checkpoint holds no tensors (top-level keys: \(Self.list(kids.map(\.key)))); it is not a model checkpoint")
        }
        throw FormatError(.invalidArgument, "the checkpoint holds tensors under several keys (\(Self.list(holders.map(\.key)))); choose one with --key")
    }

    private mutating func follow(_ value: PickleValue, _ remaining: Substring, path: [String]) throws(FormatError) -> ([String], PickleValue) {
        if remaining.isEmpty { return (path, value) }
        guard path.count < PyTorchLimits.maxNesting else {
            throw FormatError(.limitExceeded, "--key nests deeper than \(PyTorchLimits.maxNesting) levels")
        }
        let here = path.isEmpty ? "the top level" : "'\(path.joined(separator: "."))'"
        guard let kids = children(of: value) else {
            throw FormatError(.invalidArgument, "--key: \(here) is \(value.withArticle), which has no key '\(remaining)'")
        }
        let matches = kids.filter { remaining == $0.key[...] || remaining.hasPrefix($0.key + ".") }
        guard let best = matches.max(by: { $0.key.count < $1.key.count }) else {
            throw FormatError(.invalidArgument, "--key: \(here) has no key '\(remaining)' (keys: \(Self.list(kids.map(\.key))))")
        }
        return try follow(best.value, remaining.dropFirst(best.key.count).drop { $0 == "." }, path: path + [best.key])
    }

    /// The first few of `keys`, for messages.
    static func list(_ keys: [String]) -> String {
        keys.prefix(8).map { "'\($0)'" }.joined(separator: ", ") + (keys.count > 8 ? ", ... (\(keys.count) in all)" : "")
    }

    // MARK: Walking

    /// Counts one node of a walk at `depth`, refusing structures nested deeper than
    /// `PyTorchLimits.maxNesting` and walks longer than `PyTorchLimits.maxValues` nodes.
    private mutating func visit(_ depth: Int) throws(FormatError) {
        guard depth <= PyTorchLimits.maxNesting else {
            throw FormatError(.limitExceeded, "the checkpoint nests containers deeper than \(PyTorchLimits.maxNesting) levels; no model checkpoint does, the file is hostile or corrupt")
        }
        visits += 1
        guard visits <= PyTorchLimits.maxValues else {
            throw FormatError(.limitExceeded, "the checkpoint's containers refer to each other more than \(PyTorchLimits.maxValues) times; the file is hostile or corrupt")
        }
    }

    /// A container's children with printable keys, or nil for a leaf.
    private func children(of value: PickleValue) -> [(key: String, value: PickleValue)]? {
        switch value {
        case .dict(let d): return objects.dicts[d].entries.map { (Self.keyText($0.key), $0.value) }
        case .list(let l), .set(let l): return objects.lists[l].enumerated().map { (String($0.offset), $0.element) }
        case .tuple(let t): return objects.tuples[t].enumerated().map { (String($0.offset), $0.element) }
        default: return nil
        }
    }

    static func keyText(_ key: PickleValue) -> String {
        switch key {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .bool(let b): return b ? "True" : "False"
        case .none: return "None"
        case .bytes(let b): return String(decoding: b, as: UTF8.self)
        default: return "<\(key.kindName)>"
        }
    }

    private mutating func holdsTensors(_ value: PickleValue, depth: Int) throws(FormatError) -> Bool {
        try visit(depth)
        if case .tensor = value { return true }
        guard let kids = children(of: value) else { return false }
        for kid in kids where try holdsTensors(kid.value, depth: depth + 1) { return true }
        return false
    }

    private mutating func countTensors(_ value: PickleValue, depth: Int) throws(FormatError) -> Int {
        try visit(depth)
        if case .tensor = value { return 1 }
        guard let kids = children(of: value) else { return 0 }
        var n = 0
        for kid in kids { n += try countTensors(kid.value, depth: depth + 1) }
        return n
    }

    private mutating func flatten(_ value: PickleValue, name: ArraySlice<String>, fullPath: [String], depth: Int,
                                  names: inout [String]) throws(FormatError) {
        try visit(depth)
        if case .tensor(let t) = value {
            guard tensors.count < PyTorchLimits.maxTensors else {
                throw FormatError(.limitExceeded, "the checkpoint names more than \(PyTorchLimits.maxTensors) tensors")
            }
            tensors.append(tensor(t))
            names.append(name.joined(separator: "."))
            return
        }
        guard let kids = children(of: value) else {
            entries.append(try describe(value, path: fullPath.joined(separator: "."), depth: depth))
            return
        }
        for (k, v) in kids {
            try flatten(v, name: name + [k], fullPath: fullPath + [k], depth: depth + 1, names: &names)
        }
    }

    private func tensor(_ t: Int) -> Tensor {
        let source = objects.tensors[t]
        let view = views[t]
        let storage = storages[view.storage]
        var contiguous = true
        var expected = 1
        for (size, stride) in zip(source.shape, source.strides).reversed() where size != 1 {
            if stride != expected { contiguous = false }
            expected = expected &* size
        }
        let elements = source.shape.reduce(1, *)
        return Tensor(name: "", dtype: storage.dtype, shape: source.shape, strides: source.strides, storageOffset: view.offset,
                      storage: view.storage, isContiguous: contiguous || elements == 0, elementCount: elements)
    }

    // MARK: Entries

    private mutating func describe(_ value: PickleValue, path: String, depth: Int) throws(FormatError) -> Entry {
        let kind = value.kindName
        let summary: String
        switch value {
        case .none: summary = "None"
        case .bool(let b): summary = b ? "True" : "False"
        case .int(let i): summary = String(i)
        case .bigInt(let b): summary = "a \(b.count * 8)-bit integer"
        case .float(let d): summary = String(d)
        case .string(let s): summary = "'" + (s.count > 60 ? s.prefix(57) + "..." : s) + "'"
        case .bytes(let b): summary = "\(b.count) bytes"
        case .device(let d): summary = d
        case .global(let g): summary = g.qualifiedName
        case .storage: summary = "a storage"
        case .tensor(let t):
            let info = tensor(t)
            summary = "\(info.dtype.rawValue) [\(info.shape.map(String.init).joined(separator: ", "))]"
        case .dict, .list, .set, .tuple:
            let count = children(of: value)?.count ?? 0
            let held = try countTensors(value, depth: depth)
            summary = "\(count) item\(count == 1 ? "" : "s")" + (held > 0 ? ", \(held) tensor\(held == 1 ? "" : "s")" : "")
        }
        return Entry(path: path, kind: kind, summary: summary)
    }

    // MARK: Prefixes

    private mutating func stripPrefix(root: PickleValue, names: inout [String]) {
        var isLightning = false
        if case .dict(let d) = root {
            isLightning = objects.dicts[d].value(forKey: "pytorch-lightning_version") != nil
                || objects.dicts[d].value(forKey: "lightning_version") != nil
        }
        var candidates: [String] = []
        if isLightning && key == "state_dict" { candidates.append("model.") }
        candidates.append("module.")
        for prefix in candidates where names.allSatisfy({ $0.hasPrefix(prefix) && $0.count > prefix.count }) {
            names = names.map { String($0.dropFirst(prefix.count)) }
            strippedPrefix = prefix
            return
        }
    }
}
