import Foundation
import Testing
@testable import ZooFormat

/// The restricted unpickler opcode by opcode, on pickles written out byte by byte (the byte
/// values are those of CPython's `pickletools`), and the gather of strided views against a
/// plain index-by-index reference.
@Suite struct PickleReaderTests {
    /// Runs `body` (opcodes after PROTO 2, before STOP) and returns the value and objects.
    static func run(_ body: [UInt8], proto: UInt8 = 2) throws -> (PickleValue, PickleObjects) {
        let bytes: [UInt8] = [0x80, proto] + body + [0x2E]
        return try bytes.withUnsafeBytes { raw in
            var reader = PickleReader(bytes: raw, name: "test")
            let value = try reader.load()
            #expect(reader.position == bytes.count)
            return (value, reader.objects)
        }
    }

    static func error(_ body: [UInt8], proto: UInt8 = 2) -> FormatError? {
        TestSupport.error { _ = try run(body, proto: proto) }
    }

    static func utf8(_ s: String) -> [UInt8] { Array(s.utf8) }
    static func binUnicode(_ s: String) -> [UInt8] { [0x58] + withUnsafeBytes(of: UInt32(s.utf8.count).littleEndian, Array.init) + utf8(s) }

    @Test func integers() throws {
        func int(_ body: [UInt8]) throws -> Int64? {
            if case .int(let v) = try Self.run(body).0 { return v }
            return nil
        }
        #expect(try int([0x4B, 0xFF]) == 255)                        // BININT1
        #expect(try int([0x4D, 0x34, 0x12]) == 0x1234)                // BININT2
        #expect(try int([0x4A, 0xFE, 0xFF, 0xFF, 0xFF]) == -2)        // BININT
        #expect(try int([0x8A, 0x00]) == 0)                           // LONG1, empty
        #expect(try int([0x8A, 0x01, 0xFF]) == -1)                    // LONG1, sign-extended
        #expect(try int([0x8A, 0x02, 0xFF, 0x00]) == 255)
        #expect(try int([0x8A, 0x09, 0, 0, 0, 0, 0, 0, 0, 0x80, 0xFF]) == Int64.min)
        #expect(try int([0x8B, 0x01, 0, 0, 0, 0x7F]) == 127)          // LONG4
        guard case .bigInt(let magic) = try Self.run([0x8A, 0x0A] + PyTorchCheckpoint.legacyMagic).0 else {
            Issue.record("a 10-byte integer that does not fit 64 bits stays big"); return
        }
        #expect(magic == PyTorchCheckpoint.legacyMagic)
        #expect(Self.error([0x8B, 0xFF, 0xFF, 0xFF, 0xFF])?.message.contains("negative length") == true)
        #expect(Self.error([0x8B, 0x00, 0x10, 0x00, 0x00])?.kind == .limitExceeded)
    }

    @Test func floatsStringsAndBytes() throws {
        guard case .float(let d) = try Self.run([0x47] + withUnsafeBytes(of: (1.5).bitPattern.bigEndian, Array.init)).0 else { Issue.record("float"); return }
        #expect(d == 1.5)
        guard case .string(let s) = try Self.run(Self.binUnicode("héllo")).0 else { Issue.record("str"); return }
        #expect(s == "héllo")
        guard case .string(let short) = try Self.run([0x8C, 0x02] + Self.utf8("ab"), proto: 4).0 else { Issue.record("short str"); return }
        #expect(short == "ab")
        guard case .bytes(let b) = try Self.run([0x43, 0x03, 1, 2, 3], proto: 3).0 else { Issue.record("bytes"); return }
        #expect(b == [1, 2, 3])
        #expect(Self.error([0x58, 0x02, 0, 0, 0, 0xC3, 0x28])?.message.contains("not valid UTF-8") == true)
        // A length that runs past the end is refused before anything is read or allocated.
        let huge = Self.error([0x8E] + withUnsafeBytes(of: UInt64(1 << 60).littleEndian, Array.init), proto: 4)
        #expect(huge?.kind == .truncated && huge?.message.contains("declares 1152921504606846976 bytes") == true)
        let past = Self.error([0x8E] + withUnsafeBytes(of: UInt64.max.littleEndian, Array.init), proto: 4)
        #expect(past?.kind == .limitExceeded)
    }

    @Test func containersAndTheMemo() throws {
        // {'a': [1, 2], 'b': (None, True)} with the list memoized and appended to after it was stored.
        let body: [UInt8] = [0x7D, 0x71, 0x00, 0x28] + Self.binUnicode("a") + [0x5D, 0x71, 0x01, 0x4B, 0x01, 0x61]
            + Self.binUnicode("b") + [0x4E, 0x88, 0x86] + [0x75] + [0x30, 0x68, 0x01, 0x4B, 0x02, 0x61, 0x30, 0x68, 0x00]
        // ... SETITEMS, then POP the dict, GET the list, append 2, POP, GET the dict: the dict sees the new item.
        let (value, objects) = try Self.run(body)
        guard case .dict(let d) = value else { Issue.record("dict"); return }
        let dict = objects.dicts[d]
        #expect(dict.entries.map { $0.key.stringValue } == ["a", "b"])
        guard case .list(let l)? = dict.value(forKey: "a") else { Issue.record("list"); return }
        #expect(objects.lists[l].map(\.intValue) == [1, 2])
        guard case .tuple(let t)? = dict.value(forKey: "b") else { Issue.record("tuple"); return }
        #expect(objects.tuples[t].count == 2)
        // SETITEM with a key that is there already replaces its value in place (Python's dict).
        let again = try Self.run([0x7D] + Self.binUnicode("k") + [0x4B, 1, 0x73] + Self.binUnicode("j") + [0x4B, 2, 0x73]
                                 + Self.binUnicode("k") + [0x4B, 3, 0x73])
        guard case .dict(let d2) = again.0 else { Issue.record("dict"); return }
        #expect(again.1.dicts[d2].entries.map { $0.key.stringValue } == ["k", "j"])
        #expect(again.1.dicts[d2].value(forKey: "k")?.intValue == 3)
        // A list used as a key is refused, as Python refuses it.
        #expect(Self.error([0x7D, 0x5D, 0x4E, 0x73])?.message.contains("cannot hash") == true)
    }

    @Test func memoIsSparseAndBounded() throws {
        // LONG_BINPUT at index 2^32 - 2 needs one entry, not four billion.
        let (value, _) = try Self.run([0x4B, 7, 0x72, 0xFE, 0xFF, 0xFF, 0xFF, 0x30, 0x6A, 0xFE, 0xFF, 0xFF, 0xFF])
        #expect(value.intValue == 7)
        // MEMOIZE numbers entries as Python does (the memo's size).
        let (memoized, _) = try Self.run([0x4B, 5, 0x94, 0x4B, 6, 0x94, 0x30, 0x30, 0x68, 0x01], proto: 4)
        #expect(memoized.intValue == 6)
        #expect(Self.error([0x68, 0x03])?.message.contains("memo entry 3 is read but was never written") == true)
    }

    @Test func stackAndMarksAreChecked() {
        #expect(Self.error([0x30])?.message.contains("POP needs a value") == true)
        #expect(Self.error([0x28, 0x61])?.message.contains("APPEND needs a value") == true, "a MARK hides what is below it")
        #expect(Self.error([0x74])?.message.contains("TUPLE needs a MARK") == true)
        #expect(Self.error([0x4E, 0x87])?.message.contains("TUPLE3 needs 3 values") == true)
        #expect(Self.error(Array(repeating: 0x28, count: PyTorchLimits.maxMarkDepth + 1))?.kind == .limitExceeded)
        #expect(Self.error([0x4E] + Array(repeating: 0x32, count: PyTorchLimits.maxStackDepth))?.kind == .limitExceeded)
        #expect(Self.error([0x4E, 0x4E, 0x61])?.message.contains("not a list") == true)
    }

    @Test func protocolsAndFraming() throws {
        for proto: UInt8 in 2...5 { #expect(try Self.run([0x4E], proto: proto).0.kindName == "None") }
        #expect(Self.error([0x4E], proto: 1)?.kind == .unsupportedVersion)
        #expect(Self.error([0x4E], proto: 6)?.kind == .unsupportedVersion)
        // FRAME (protocol 4) is transparent; a frame longer than what is left is refused.
        #expect(try Self.run([0x95] + withUnsafeBytes(of: UInt64(2).littleEndian, Array.init) + [0x4E], proto: 4).0.kindName == "None")
        #expect(Self.error([0x95] + withUnsafeBytes(of: UInt64(99).littleEndian, Array.init), proto: 4)?.kind == .truncated)
        // A pickle must start with PROTO, and end with STOP.
        let noProto: [UInt8] = [0x4E, 0x2E]
        let e = TestSupport.error { _ = try noProto.withUnsafeBytes { raw in var r = PickleReader(bytes: raw, name: "t"); return try r.load() } }
        #expect(e?.kind == .notAFile)
        let noStop: [UInt8] = [0x80, 0x02, 0x4E]
        let f = TestSupport.error { _ = try noStop.withUnsafeBytes { raw in var r = PickleReader(bytes: raw, name: "t"); return try r.load() } }
        #expect(f?.kind == .truncated && f?.message.contains("without a STOP") == true)
    }

    @Test func globalsOutsideTheAllowListAreRefusedByName() {
        for (module, name) in [("os", "system"), ("posix", "system"), ("builtins", "eval"), ("builtins", "getattr"),
                               ("subprocess", "Popen"), ("torch", "load"), ("torch.nn.modules.linear", "Linear"),
                               ("collections", "defaultdict"), ("numpy.core.multiarray", "_reconstruct")] {
            let g = Self.error([0x63] + Self.utf8("\(module)\n\(name)\n"))
            #expect(g?.kind == .refused && g?.message.contains("global \(module).\(name)") == true, "\(module).\(name)")
            // The same through STACK_GLOBAL (protocol 4).
            let s = Self.error([0x8C, UInt8(module.utf8.count)] + Self.utf8(module) + [0x8C, UInt8(name.utf8.count)] + Self.utf8(name) + [0x93], proto: 4)
            #expect(s?.kind == .refused && s?.message.contains("global \(module).\(name)") == true, "\(module).\(name) (STACK_GLOBAL)")
        }
        let complex = Self.error([0x63] + Self.utf8("torch\nComplexFloatStorage\n"))
        #expect(complex?.kind == .invalidArgument && complex?.message.contains("complex64") == true)
        let sparse = Self.error([0x63] + Self.utf8("torch._utils\n_rebuild_sparse_tensor\n"))
        #expect(sparse?.message.contains("sparse tensors are not supported") == true)
    }

    @Test func opcodesThatBuildArbitraryObjectsAreRefused() {
        for op: PickleOpcode in [.inst, .obj, .newObjEx, .ext1, .ext2, .ext4, .nextBuffer, .readonlyBuffer, .int, .long, .string,
                                 .unicode, .float, .get, .put, .persID] {
            let e = Self.error([op.rawValue])
            #expect(e?.kind == .refused && e?.message.contains("opcode \(op.name)") == true, "\(op.name)")
        }
        // Every byte that is no opcode is refused as unknown.
        let known = Set(PickleOpcode.allCases.map(\.rawValue))
        for byte in UInt8.min...UInt8.max where !known.contains(byte) {
            #expect(Self.error([byte])?.message.contains("unknown opcode") == true, "0x\(String(byte, radix: 16))")
        }
        // REDUCE and NEWOBJ on what is not an allowed callable.
        #expect(Self.error([0x4E, 0x29, 0x52])?.kind == .refused)
        #expect(Self.error([0x63] + Self.utf8("collections\nOrderedDict\n") + [0x29, 0x81])?.message.contains("NEWOBJ instantiates") == true)
        #expect(Self.error([0x63] + Self.utf8("torch\nfloat32\n") + [0x29, 0x52])?.message.contains("never called") == true)
    }

    @Test func allowedCallsBuildPlainValues() throws {
        // OrderedDict() is an empty dict; torch.Size((2, 3)) a tuple; torch.device('cuda', 1) text.
        let (od, objects) = try Self.run([0x63] + Self.utf8("collections\nOrderedDict\n") + [0x29, 0x52])
        guard case .dict(let d) = od else { Issue.record("OrderedDict"); return }
        #expect(objects.dicts[d].isOrdered && objects.dicts[d].entries.isEmpty)
        let (size, sizeObjects) = try Self.run([0x63] + Self.utf8("torch\nSize\n") + [0x4B, 2, 0x4B, 3, 0x86, 0x85, 0x52])
        guard case .tuple(let t) = size else { Issue.record("Size"); return }
        #expect(sizeObjects.tuples[t].map(\.intValue) == [2, 3])
        guard case .device(let device) = try Self.run([0x63] + Self.utf8("torch\ndevice\n") + Self.binUnicode("cuda") + [0x4B, 1, 0x86, 0x52]).0 else {
            Issue.record("device"); return
        }
        #expect(device == "cuda:1")
        // BUILD on a dict records the attributes (a state dict's _metadata) and changes nothing else.
        let (built, builtObjects) = try Self.run([0x7D, 0x7D] + Self.binUnicode("_metadata") + [0x7D, 0x73, 0x62])
        guard case .dict(let b) = built else { Issue.record("BUILD"); return }
        #expect(builtObjects.dicts[b].entries.isEmpty && builtObjects.dicts[b].attributes != nil)
        #expect(Self.error([0x5D, 0x7D, 0x62])?.message.contains("BUILD sets the state of a list") == true)
    }

    @Test func nestedTuplesDoNotNestInMemory() throws {
        // A million TUPLE1s: the values live in the object table, so nothing recurses when it is freed.
        let (value, objects) = try Self.run([0x4E] + Array(repeating: 0x85, count: 1_000_000))
        guard case .tuple = value else { Issue.record("tuple"); return }
        #expect(objects.tuples.count == 1_000_000)
    }

    // MARK: Gathering views

    /// Element offsets of `shape`/`strides` in row-major order, computed index by index.
    static func reference(shape: [Int], strides: [Int], offset: Int) -> [Int] {
        var out: [Int] = []
        let count = shape.reduce(1, *)
        for flat in 0..<count {
            var rest = flat, position = offset
            for d in stride(from: shape.count - 1, through: 0, by: -1) {
                position += (rest % shape[d]) * strides[d]
                rest /= shape[d]
            }
            out.append(position)
        }
        return out
    }

    @Test func gatherMatchesIndexByIndexReference() {
        var rng = SeededGenerator(seed: 11)
        for trial in 0..<400 {
            let dtype: DType = [.f64, .f32, .bf16, .u8, .bool, .i16][trial % 6]
            let width = dtype.byteWidth
            let rank = Int.random(in: 0...4, using: &rng)
            let shape = (0..<rank).map { _ in Int.random(in: 0...4, using: &rng) }
            // Strides: contiguous, permuted, stepped, or 0 (expanded).
            var strides = [Int](repeating: 1, count: rank)
            var acc = 1
            for d in stride(from: rank - 1, through: 0, by: -1) { strides[d] = acc; acc *= max(shape[d], 1) }
            strides.shuffle(using: &rng)
            strides = strides.map { s in [0, s, s * 2, s * 3][Int.random(in: 0...3, using: &rng)] }
            let offset = Int.random(in: 0...5, using: &rng)
            let positions = Self.reference(shape: shape, strides: strides, offset: offset)
            let storageCount = (positions.max() ?? 0) + 1 + Int.random(in: 0...3, using: &rng)
            let storage = (0..<(storageCount * width)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            var want: [UInt8] = []
            for p in positions { want += storage[(p * width)..<((p + 1) * width)] }
            var contiguous = true, expected = 1
            for (size, s) in zip(shape, strides).reversed() where size != 1 { if s != expected { contiguous = false }; expected *= size }
            let tensor = PyTorchCheckpoint.Tensor(name: "t", dtype: dtype, shape: shape, strides: strides, storageOffset: offset, storage: 0,
                                                  isContiguous: contiguous, elementCount: shape.reduce(1, *))
            var got = [UInt8](repeating: 0, count: want.count)
            storage.withUnsafeBytes { src in got.withUnsafeMutableBytes { dst in PyTorchCheckpoint.gather(tensor, from: src, into: dst) } }
            #expect(got == want, "shape \(shape) strides \(strides) offset \(offset) \(dtype)")
        }
    }
}
