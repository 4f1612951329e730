/// A restricted unpickler for protocols 2 to 5 (formats/pytorch-checkpoints.md, §3), in the spirit
/// of `torch.load(weights_only=True)`: it builds plain data (None, bools, ints, floats, strings,
/// bytes, tuples, lists, sets, dicts) and the few torch objects a tensor checkpoint needs, and
/// nothing else. A global outside `PickleGlobal`'s allow-list is refused by name the moment the
/// pickle names it; no code from the file is ever imported or run, and no Python is involved.
///
/// A pure function of its bytes: every length is checked against the bytes that are left before
/// anything is allocated, and the stack, marks, memo and value count are capped (`PyTorchLimits`).
/// Offsets in errors are from the start of `bytes`.
public struct PickleReader {
    /// Turns a persistent id (BINPERSID's argument) into a value; `offset` is the opcode's.
    public typealias PersistentLoad = (_ id: PickleValue, _ objects: PickleObjects, _ offset: Int) throws(FormatError) -> PickleValue

    /// The objects built so far, across every `load` on this reader.
    public internal(set) var objects = PickleObjects()
    /// Where the next `load` starts: just after the last pickle's STOP.
    public private(set) var position: Int

    private let bytes: UnsafeRawBufferPointer
    private let end: Int
    let name: String
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [PickleValue] = []
    private var sparseMemo: [Int: PickleValue] = [:]
    private var pushes = 0

    /// A reader of the pickles in `bytes` from `start`, never reading past `start + PyTorchLimits.maxPickleBytes`.
    /// `name` says in errors which pickle it is (`data.pkl`, `the legacy object pickle`).
    public init(bytes: UnsafeRawBufferPointer, startingAt start: Int = 0, name: String) {
        self.bytes = bytes
        self.position = min(max(start, 0), bytes.count)
        let (limit, overflow) = self.position.addingReportingOverflow(PyTorchLimits.maxPickleBytes)
        self.end = overflow ? bytes.count : min(bytes.count, limit)
        self.name = name
    }

    // MARK: Errors

    func fail(_ offset: Int, _ problem: String, kind: FormatError.Kind = .malformed,
                      advice: String = "the file is corrupt or was not written by torch.save") -> FormatError {
        FormatError(kind, "\(name), byte \(offset): \(problem); \(advice)")
    }

    // MARK: Reading bytes

    private mutating func take(_ count: Int, for op: PickleOpcode, at offset: Int) throws(FormatError) -> UnsafeRawBufferPointer {
        guard count >= 0, count <= end - position else {
            if end < bytes.count, count <= bytes.count - position {
                throw fail(offset, "\(op.name) declares \(count) bytes, past the \(PyTorchLimits.maxPickleBytes)-byte pickle limit",
                           kind: .limitExceeded)
            }
            throw fail(offset, "\(op.name) declares \(count) bytes but only \(end - position) are left", kind: .truncated,
                       advice: "the file is truncated or corrupt")
        }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])
        position += count
        return slice
    }

    private mutating func byte(for op: PickleOpcode, at offset: Int) throws(FormatError) -> UInt8 {
        try take(1, for: op, at: offset)[0]
    }

    private mutating func littleEndian<T: FixedWidthInteger>(_ type: T.Type, for op: PickleOpcode, at offset: Int) throws(FormatError) -> T {
        let raw = try take(MemoryLayout<T>.size, for: op, at: offset)
        return T(littleEndian: raw.loadUnaligned(as: T.self))
    }

    /// A length field of `width` bytes (unsigned unless `signed`), as an `Int` or an error.
    private mutating func length(width: Int, signed: Bool = false, for op: PickleOpcode, at offset: Int) throws(FormatError) -> Int {
        let value: Int64
        switch (width, signed) {
        case (1, _): value = Int64(try byte(for: op, at: offset))
        case (4, true): value = Int64(try littleEndian(Int32.self, for: op, at: offset))
        case (4, false): value = Int64(try littleEndian(UInt32.self, for: op, at: offset))
        default:
            let raw = try littleEndian(UInt64.self, for: op, at: offset)
            guard raw <= UInt64(Int.max) else {
                throw fail(offset, "\(op.name) declares \(raw) bytes, more than any file holds", kind: .limitExceeded)
            }
            value = Int64(raw)
        }
        guard value >= 0 else { throw fail(offset, "\(op.name) declares a negative length \(value)") }
        return Int(value)
    }

    private mutating func line(for op: PickleOpcode, at offset: Int) throws(FormatError) -> String {
        let start = position
        let limit = min(end, start + PyTorchLimits.maxGlobalNameBytes + 1)
        var i = start
        while i < limit, bytes[i] != 0x0A { i += 1 }
        guard i < limit else {
            if i >= end { throw fail(offset, "\(op.name)'s name is not terminated by a newline before the end", kind: .truncated, advice: "the file is truncated or corrupt") }
            throw fail(offset, "\(op.name) names a global longer than \(PyTorchLimits.maxGlobalNameBytes) bytes", kind: .limitExceeded)
        }
        position = i + 1
        guard let text = String(validating: UnsafeRawBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self) else {
            throw fail(offset, "\(op.name) names a global that is not valid UTF-8")
        }
        return text
    }

    private func utf8(_ raw: UnsafeRawBufferPointer, for op: PickleOpcode, at offset: Int) throws(FormatError) -> String {
        // Tensor names are ASCII: decoding needs no validation then.
        if raw.allSatisfy({ $0 < 0x80 }) { return String(decoding: raw, as: UTF8.self) }
        guard let text = String(validating: raw, as: UTF8.self) else {
            throw fail(offset, "\(op.name) holds a string that is not valid UTF-8")
        }
        return text
    }

    // MARK: The stack

    private var frameBase: Int { marks.last ?? 0 }

    private mutating func push(_ value: PickleValue, at offset: Int) throws(FormatError) {
        guard stack.count < PyTorchLimits.maxStackDepth else {
            throw fail(offset, "the stack holds more than \(PyTorchLimits.maxStackDepth) values", kind: .limitExceeded,
                       advice: "no tensor checkpoint needs that many; the file is hostile or corrupt")
        }
        pushes += 1
        guard pushes <= PyTorchLimits.maxValues else {
            throw fail(offset, "the pickle builds more than \(PyTorchLimits.maxValues) values", kind: .limitExceeded,
                       advice: "no tensor checkpoint needs that many; the file is hostile or corrupt")
        }
        stack.append(value)
    }

    private mutating func pop(_ op: PickleOpcode, at offset: Int) throws(FormatError) -> PickleValue {
        guard stack.count > frameBase else { throw fail(offset, "\(op.name) needs a value but the stack is empty") }
        return stack.removeLast()
    }

    private func top(_ op: PickleOpcode, at offset: Int) throws(FormatError) -> PickleValue {
        guard stack.count > frameBase, let last = stack.last else { throw fail(offset, "\(op.name) needs a value but the stack is empty") }
        return last
    }

    private mutating func popToMark(_ op: PickleOpcode, at offset: Int) throws(FormatError) -> [PickleValue] {
        guard let mark = marks.popLast() else { throw fail(offset, "\(op.name) needs a MARK but none is open") }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    // MARK: The memo

    private mutating func memoize(_ index: Int, at offset: Int) throws(FormatError) {
        let value = try top(.binPut, at: offset)
        if index < memo.count {
            memo[index] = value
            return
        }
        if sparseMemo[index] == nil {
            guard memo.count + sparseMemo.count < PyTorchLimits.maxMemoEntries else {
                throw fail(offset, "the memo holds more than \(PyTorchLimits.maxMemoEntries) entries", kind: .limitExceeded,
                           advice: "no tensor checkpoint needs that many; the file is hostile or corrupt")
            }
        }
        if index == memo.count {
            if !sparseMemo.isEmpty { sparseMemo.removeValue(forKey: index) }
            memo.append(value)
        } else {
            sparseMemo[index] = value
        }
    }

    private func recall(_ index: Int, at offset: Int) throws(FormatError) -> PickleValue {
        if index < memo.count { return memo[index] }
        guard let value = sparseMemo[index] else { throw fail(offset, "memo entry \(index) is read but was never written") }
        return value
    }

    // MARK: Objects

    mutating func newTuple(_ items: [PickleValue]) -> PickleValue {
        objects.tuples.append(items)
        return .tuple(objects.tuples.count - 1)
    }

    mutating func newList(_ items: [PickleValue] = [], set: Bool = false) -> PickleValue {
        objects.lists.append(items)
        return set ? .set(objects.lists.count - 1) : .list(objects.lists.count - 1)
    }

    mutating func newDict(ordered: Bool) -> PickleValue {
        objects.dicts.append(PickleDict(isOrdered: ordered))
        return .dict(objects.dicts.count - 1)
    }

    mutating func setItems(_ pairs: ArraySlice<PickleValue>, into target: PickleValue, op: PickleOpcode, at offset: Int) throws(FormatError) {
        guard case .dict(let d) = target else { throw fail(offset, "\(op.name) sets items on \(target.withArticle), not a dict", kind: .refused) }
        guard pairs.count % 2 == 0 else { throw fail(offset, "\(op.name) has an odd number of values after its MARK") }
        var i = pairs.startIndex
        while i < pairs.endIndex {
            guard let hashable = PickleKey(pairs[i], objects: objects) else {
                throw fail(offset, "\(op.name) uses \(pairs[i].withArticle) as a dict key, which Python cannot hash")
            }
            objects.dicts[d].set(pairs[i], hashable: hashable, pairs[i + 1])
            i += 2
        }
    }

    // MARK: Running

    /// Runs one pickle from `position` to its STOP and returns the value it built. The pickle must
    /// start with PROTO 2 to 5. `persistentLoad` resolves BINPERSID (nil: a persistent id is an error).
    public mutating func load(persistentLoad: PersistentLoad? = nil) throws(FormatError) -> PickleValue {
        stack.removeAll(keepingCapacity: true)
        marks.removeAll(keepingCapacity: true)
        memo.removeAll(keepingCapacity: true)
        sparseMemo.removeAll()
        pushes = 0
        let first = position
        guard position < end else {
            throw fail(position, "a pickle should start here but the data ends", kind: .truncated, advice: "the file is truncated")
        }
        guard bytes[position] == PickleOpcode.proto.rawValue else {
            throw fail(position, "this is not a protocol 2 to 5 pickle (it starts with byte 0x\(String(bytes[position], radix: 16)), not PROTO)",
                       kind: .notAFile, advice: "zoo reads checkpoints torch.save wrote (pickle protocol 2 to 5)")
        }
        while true {
            let offset = position
            guard position < end else {
                if end < bytes.count {
                    throw fail(first, "the pickle is longer than the \(PyTorchLimits.maxPickleBytes)-byte limit", kind: .limitExceeded)
                }
                throw fail(offset, "the pickle ends without a STOP", kind: .truncated, advice: "the file is truncated")
            }
            let code = bytes[position]
            position += 1
            guard let op = PickleOpcode(rawValue: code) else {
                throw fail(offset, "unknown opcode 0x\(String(code, radix: 16, uppercase: false)), which no pickle protocol (0 to 5) defines")
            }
            if let refusal = op.refusal {
                throw fail(offset, "opcode \(op.name) is \(refusal)", kind: .refused,
                           advice: "zoo reads only what a tensor checkpoint needs (formats/pytorch-checkpoints.md, §3.1)")
            }
            switch op {
            case .proto:
                let version = try byte(for: op, at: offset)
                guard (2...5).contains(version) else {
                    throw fail(offset, "pickle protocol \(version); zoo reads protocols 2 to 5", kind: .unsupportedVersion,
                               advice: "save the checkpoint again with torch.save (protocol 2 is its default)")
                }
            case .frame:
                let size = try length(width: 8, for: op, at: offset)
                guard size <= end - position else {
                    throw fail(offset, "FRAME declares \(size) bytes but only \(end - position) are left", kind: .truncated,
                               advice: "the file is truncated or corrupt")
                }
            case .stop:
                let result = try pop(op, at: offset)
                return result
            case .mark:
                guard marks.count < PyTorchLimits.maxMarkDepth else {
                    throw fail(offset, "more than \(PyTorchLimits.maxMarkDepth) MARKs are open at once", kind: .limitExceeded,
                               advice: "no tensor checkpoint nests that deep; the file is hostile or corrupt")
                }
                marks.append(stack.count)
            case .pop:
                // As CPython: POP above a MARK drops a value; right after one it drops the MARK.
                if stack.count > frameBase { stack.removeLast() } else if !marks.isEmpty { _ = try popToMark(op, at: offset) } else {
                    throw fail(offset, "POP needs a value but the stack is empty")
                }
            case .popMark:
                _ = try popToMark(op, at: offset)
            case .dup:
                try push(try top(op, at: offset), at: offset)

            // Scalars
            case .none: try push(.none, at: offset)
            case .newTrue: try push(.bool(true), at: offset)
            case .newFalse: try push(.bool(false), at: offset)
            case .binInt: try push(.int(Int64(try littleEndian(Int32.self, for: op, at: offset))), at: offset)
            case .binInt1: try push(.int(Int64(try byte(for: op, at: offset))), at: offset)
            case .binInt2: try push(.int(Int64(try littleEndian(UInt16.self, for: op, at: offset))), at: offset)
            case .long1, .long4:
                let count = try length(width: op == .long1 ? 1 : 4, signed: true, for: op, at: offset)
                guard count <= PyTorchLimits.maxIntegerBytes else {
                    throw fail(offset, "\(op.name) declares a \(count)-byte integer, over the \(PyTorchLimits.maxIntegerBytes)-byte limit", kind: .limitExceeded)
                }
                try push(Self.integer(try take(count, for: op, at: offset)), at: offset)
            case .binFloat:
                let bits = UInt64(bigEndian: try take(8, for: op, at: offset).loadUnaligned(as: UInt64.self))
                try push(.float(Double(bitPattern: bits)), at: offset)

            // Strings and bytes
            case .shortBinUnicode, .binUnicode, .binUnicode8:
                let count = try length(width: op == .shortBinUnicode ? 1 : op == .binUnicode ? 4 : 8, for: op, at: offset)
                try push(.string(try utf8(try take(count, for: op, at: offset), for: op, at: offset)), at: offset)
            case .shortBinString, .binString:
                // Python 2 `str`; torch.load decodes these as UTF-8 text, and so does zoo.
                let count = try length(width: op == .shortBinString ? 1 : 4, signed: true, for: op, at: offset)
                let raw = try take(count, for: op, at: offset)
                if let text = String(validating: raw, as: UTF8.self) { try push(.string(text), at: offset) } else { try push(.bytes(Array(raw)), at: offset) }
            case .shortBinBytes, .binBytes, .binBytes8, .byteArray8:
                let count = try length(width: op == .shortBinBytes ? 1 : op == .binBytes ? 4 : 8, for: op, at: offset)
                try push(.bytes(Array(try take(count, for: op, at: offset))), at: offset)

            // Tuples
            case .emptyTuple: try push(newTuple([]), at: offset)
            case .tuple: let items = try popToMark(op, at: offset); try push(newTuple(items), at: offset)
            case .tuple1, .tuple2, .tuple3:
                let n = op == .tuple1 ? 1 : op == .tuple2 ? 2 : 3
                guard stack.count - frameBase >= n else { throw fail(offset, "\(op.name) needs \(n) values but the stack has \(stack.count - frameBase)") }
                let items = Array(stack.suffix(n))
                stack.removeLast(n)
                try push(newTuple(items), at: offset)

            // Lists and sets
            case .emptyList: try push(newList(), at: offset)
            case .list: let items = try popToMark(op, at: offset); try push(newList(items), at: offset)
            case .append:
                let item = try pop(op, at: offset)
                guard case .list(let l) = try top(op, at: offset) else {
                    throw fail(offset, "APPEND adds to a \(try top(op, at: offset).kindName), not a list", kind: .refused)
                }
                objects.lists[l].append(item)
            case .appends:
                let items = try popToMark(op, at: offset)
                guard case .list(let l) = try top(op, at: offset) else {
                    throw fail(offset, "APPENDS adds to a \(try top(op, at: offset).kindName), not a list", kind: .refused)
                }
                objects.lists[l].append(contentsOf: items)
            case .emptySet: try push(newList(set: true), at: offset)
            case .frozenSet: let items = try popToMark(op, at: offset); try push(newList(items, set: true), at: offset)
            case .addItems:
                let items = try popToMark(op, at: offset)
                guard case .set(let l) = try top(op, at: offset) else {
                    throw fail(offset, "ADDITEMS adds to a \(try top(op, at: offset).kindName), not a set", kind: .refused)
                }
                objects.lists[l].append(contentsOf: items)

            // Dicts
            case .emptyDict: try push(newDict(ordered: false), at: offset)
            case .dict:
                let items = try popToMark(op, at: offset)
                let dict = newDict(ordered: false)
                try setItems(items[...], into: dict, op: op, at: offset)
                try push(dict, at: offset)
            case .setItem:
                let value = try pop(op, at: offset)
                let key = try pop(op, at: offset)
                try setItems([key, value][...], into: try top(op, at: offset), op: op, at: offset)
            case .setItems:
                let items = try popToMark(op, at: offset)
                try setItems(items[...], into: try top(op, at: offset), op: op, at: offset)

            // Memo
            case .binPut: try memoize(Int(try byte(for: op, at: offset)), at: offset)
            case .longBinPut: try memoize(Int(try littleEndian(UInt32.self, for: op, at: offset)), at: offset)
            case .memoize: try memoize(memo.count + sparseMemo.count, at: offset)
            case .binGet: try push(try recall(Int(try byte(for: op, at: offset)), at: offset), at: offset)
            case .longBinGet: try push(try recall(Int(try littleEndian(UInt32.self, for: op, at: offset)), at: offset), at: offset)

            // Globals and calls: the allow-list
            case .global:
                let module = try line(for: op, at: offset)
                let name = try line(for: op, at: offset)
                try push(.global(try resolve(module: module, name: name, at: offset)), at: offset)
            case .stackGlobal:
                let name = try pop(op, at: offset)
                let module = try pop(op, at: offset)
                guard let m = module.stringValue, let n = name.stringValue else {
                    throw fail(offset, "STACK_GLOBAL needs a module and a name as strings, not \(module.kindName) and \(name.kindName)")
                }
                try push(.global(try resolve(module: m, name: n, at: offset)), at: offset)
            case .reduce:
                let args = try pop(op, at: offset)
                let callable = try pop(op, at: offset)
                try push(try call(callable, args, at: offset), at: offset)
            case .newObj:
                let args = try pop(op, at: offset)
                let cls = try pop(op, at: offset)
                guard case .global(.parameter) = cls else {
                    throw fail(offset, "NEWOBJ instantiates \(cls.kindName); only torch.nn.parameter.Parameter may be instantiated", kind: .refused,
                               advice: "zoo reads only what a tensor checkpoint needs (formats/pytorch-checkpoints.md, §3.2)")
                }
                try push(try call(.global(.parameter), args, at: offset), at: offset)
            case .build:
                let state = try pop(op, at: offset)
                try build(on: try top(op, at: offset), state: state, at: offset)
            case .binPersID:
                let id = try pop(op, at: offset)
                guard let persistentLoad else {
                    throw fail(offset, "a persistent id appears where none is allowed")
                }
                try push(try persistentLoad(id, objects, offset), at: offset)
            case .float, .int, .long, .persID, .string, .unicode, .get, .put, .inst, .obj, .newObjEx,
                 .ext1, .ext2, .ext4, .nextBuffer, .readonlyBuffer:
                // Refused above (`refusal`); listed so the switch stays exhaustive.
                throw fail(offset, "opcode \(op.name) is not supported", kind: .refused)
            }
        }
    }

    private func resolve(module: String, name: String, at offset: Int) throws(FormatError) -> PickleGlobal {
        do { return try PickleGlobal.resolve(module: module, name: name) } catch {
            throw FormatError(error.kind, "\(self.name), byte \(offset): \(error.message)")
        }
    }

    /// An integer from LONG1/LONG4's little-endian two's-complement bytes.
    static func integer(_ raw: UnsafeRawBufferPointer) -> PickleValue {
        guard !raw.isEmpty else { return .int(0) }
        let negative = raw[raw.count - 1] & 0x80 != 0
        let fill: UInt8 = negative ? 0xFF : 0
        // Fits 64 bits when every byte above the eighth repeats the sign and byte 8's top bit agrees.
        if raw.count <= 8 || (raw[8...].allSatisfy { $0 == fill } && (raw[7] & 0x80 != 0) == negative) {
            var bits: UInt64 = negative ? .max : 0
            for i in 0..<min(raw.count, 8) {
                bits &= ~(UInt64(0xFF) << (8 * UInt64(i)))
                bits |= UInt64(raw[i]) << (8 * UInt64(i))
            }
            return .int(Int64(bitPattern: bits))
        }
        return .bigInt(Array(raw))
    }
}
