import Foundation
import Testing
import ZooFormat
import ZooModel
@testable import ZooRegistry

/// `Store.floatTensors`, `commitNew` and `commitTrained`: F32 tensors decoded by name, non-F32
/// refused, unchanged tensors keep the parent's blobs, changed ones are encoded anew.
@Suite struct StoreTensorsTests {
    /// A small MLP (6 -> 5 -> 3) with he-initialised weights.
    static func mlp(seed: UInt64 = 4) throws -> (description: ModelDescription, tensors: [InitializedTensor]) {
        try ModelBuilder.create(input: [6], specs: try LayerSpec.parse("dense:5,relu,dense:3"), scheme: .he, seed: seed)
    }

    static func blobs(_ store: Store, _ ref: String) throws -> [String: Digest] {
        let (_, m, c) = try store.load(try ModelReference(parsing: ref))
        return Dictionary(uniqueKeysWithValues: zip(c.tensors.map(\.name), m.layers.map(\.digest)))
    }

    @Test(arguments: [Codec.raw, .deflate, .planes])
    func decodesWhatWasCommitted(codec: Codec) throws {
        let f = try StoreFixture()
        let m = try Self.mlp()
        let r = try f.store.commitNew(m.tensors, model: m.description, name: "mlp", codec: codec)
        #expect(r.version.reference == "mlp:1")
        #expect(r.newTensors == m.tensors.map(\.name))
        let loaded = try f.store.loadFloat(try ModelReference(parsing: "mlp"))
        #expect(loaded.tensors.count == m.tensors.count)
        for t in m.tensors { #expect(loaded.tensors[t.name] == t.values, "\(t.name)") }
        #expect(loaded.config.tensors.allSatisfy { $0.codec == codec })
    }

    /// Batches of 1, 3 (the last one short) and more than the model: the same values by name.
    @Test(arguments: [1, 3, 256])
    func batchesOfAnySizeLoadTheSameValues(batchTensors: Int) throws {
        let f = try StoreFixture()
        let m = try Self.mlp()
        _ = try f.store.commitNew(m.tensors, model: m.description, name: "mlp", codec: .planes)
        let (_, manifest, config) = try f.store.load(try ModelReference(parsing: "mlp"))
        #expect(m.tensors.count == 4)
        let values = try f.store.floatTensors(manifest: manifest, config: config, batchTensors: batchTensors)
        #expect(values.count == m.tensors.count)
        for t in m.tensors { #expect(values[t.name] == t.values, "\(t.name)") }
    }

    /// Loading decodes all tensors in one batch and checks blob digests on every core; a damaged
    /// blob is still named by its tensor, and the first damaged one in the model's order is named.
    @Test func aDamagedBlobIsNamedByItsTensor() throws {
        let f = try StoreFixture()
        let m = try Self.mlp()
        _ = try f.store.commitNew(m.tensors, model: m.description, name: "mlp", codec: .planes)
        let digests = try Self.blobs(f.store, "mlp")
        let names = m.tensors.map(\.name)
        for victim in [names[2], names[3]] {
            let path = f.store.blobPath(try #require(digests[victim]))
            var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            bytes[bytes.count / 2] ^= 0x40
            try? FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }
        let (_, manifest, config) = try f.store.load(try ModelReference(parsing: "mlp"))
        do {
            _ = try f.store.floatTensors(manifest: manifest, config: config)
            Issue.record("a damaged blob was loaded")
        } catch {
            #expect(error.kind == .corrupt)
            #expect(error.message.contains("tensor \(names[2]): blob"), "\(error.message)")
            #expect(error.message.contains("run `zoo verify`"))
        }
    }

    @Test func sameModelSameDigestWhateverTheName() throws {
        let f = try StoreFixture()
        let a = try f.store.commitNew(try Self.mlp().tensors, model: try Self.mlp().description, name: "a")
        let b = try f.store.commitNew(try Self.mlp().tensors, model: try Self.mlp().description, name: "b", tag: "x")
        let c = try f.store.commitNew(try Self.mlp(seed: 5).tensors, model: try Self.mlp(seed: 5).description, name: "c")
        #expect(a.version.digest == b.version.digest)
        #expect(a.version.digest != c.version.digest)
        // The second commit of the same bytes wrote no new tensor blobs.
        #expect(b.newBlobBytes == 0)
    }

    @Test func trainedCommitReusesUnchangedBlobs() throws {
        let f = try StoreFixture()
        let m = try Self.mlp()
        let parent = try f.store.commitNew(m.tensors, model: m.description, name: "mlp")
        let (_, manifest, config) = try f.store.load(try ModelReference(parsing: "mlp"))
        var values = try f.store.floatTensors(manifest: manifest, config: config)
        values["2.weight"] = values["2.weight"].map { $0.map { $0 + 0.5 } }
        var description = m.description
        description.lineage = LineageRecord(parent: parent.version.digest.description, operation: "train", parameters: [:])
        let r = try f.store.commitTrained(values, model: description, metadata: nil, parent: manifest, config: config, name: "mlp")
        #expect(r.version.reference == "mlp:2")
        #expect(r.newTensors == ["2.weight"])
        #expect(r.version.parent == parent.version.digest)
        let before = try Self.blobs(f.store, "mlp:1"), after = try Self.blobs(f.store, "mlp:2")
        for name in ["0.weight", "0.bias", "2.bias"] { #expect(before[name] == after[name], "\(name)") }
        #expect(before["2.weight"] != after["2.weight"])
        let reread = try f.store.loadFloat(try ModelReference(parsing: "mlp:2")).tensors
        #expect(reread == values)
    }

    @Test func trainedCommitRefusesStrangeTensorsAndWritesNothing() throws {
        let f = try StoreFixture()
        let m = try Self.mlp()
        _ = try f.store.commitNew(m.tensors, model: m.description, name: "mlp")
        let (_, manifest, config) = try f.store.load(try ModelReference(parsing: "mlp"))
        let before = try f.snapshot()
        #expect(throws: StoreError.self) {
            _ = try f.store.commitTrained(["nope.weight": [1]], model: m.description, metadata: nil, parent: manifest, config: config, name: "mlp")
        }
        #expect(throws: StoreError.self) {
            _ = try f.store.commitTrained(["0.bias": [1, 2]], model: m.description, metadata: nil, parent: manifest, config: config, name: "mlp")
        }
        #expect(try f.snapshot() == before)
    }

    @Test func refusesNonFloat32Tensors() throws {
        let f = try StoreFixture()
        try f.commit("bytes", [("w", StoreFixture.bytes(count: 16, seed: 1))])
        let (_, manifest, config) = try f.store.load(try ModelReference(parsing: "bytes"))
        do {
            _ = try f.store.floatTensors(manifest: manifest, config: config)
            Issue.record("a U8 tensor was decoded as Float32")
        } catch {
            #expect(error.message.contains("'w' is U8"))
            #expect(error.message.contains("Float32"))
        }
    }

    @Test func leavesOutUnusedBatchNormCounters() throws {
        // PyTorch's int64 counters beside a recognised architecture's tensors: not decoded, not refused.
        let f = try StoreFixture()
        let counter = [UInt8](repeating: 0, count: 8)
        let writer = try StoreWriter(store: f.store)
        let weight = (0..<4).flatMap { withUnsafeBytes(of: Float($0).bitPattern.littleEndian, Array.init) }
        _ = try weight.withUnsafeBytes { try writer.addTensor(name: "bn.weight", dtype: .f32, shape: [4], raw: $0, codec: .raw, level: 1) }
        _ = try counter.withUnsafeBytes { try writer.addTensor(name: "bn.num_batches_tracked", dtype: .i64, shape: [], raw: $0, codec: .raw, level: 1) }
        let model = ModelDescription(layers: [Layer(name: "bn", op: .inferredBlock, tensors: ["weight": "bn.weight"])])
        _ = try writer.commit(name: "bn", tag: nil, metadata: nil, model: model)
        let (_, manifest, config) = try f.store.load(try ModelReference(parsing: "bn"))
        let values = try f.store.floatTensors(manifest: manifest, config: config)
        #expect(values == ["bn.weight": [0, 1, 2, 3]])
    }
}
