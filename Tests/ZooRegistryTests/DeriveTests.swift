import Foundation
import Testing
import ZooFormat
import ZooModel
@testable import ZooRegistry

/// `Store.commitDerived` and `Store.writeDerived`: slices and grafts reuse the parent's blobs by
/// digest, write only the new tensors plus config and manifest, and give reproducible digests.
@Suite struct DeriveTests {
    /// A BERT-like model with small U8 tensors: stem, 4 numbered blocks (norm width 8), pooler.
    static let bertTensors: [(String, [UInt8])] = {
        var list: [(String, [UInt8])] = [
            ("embeddings.word_embeddings.weight", StoreFixture.bytes(count: 80, seed: 1)),
            ("embeddings.LayerNorm.weight", StoreFixture.bytes(count: 8, seed: 2)),
        ]
        for i in 0..<4 {
            list.append(("encoder.layer.\(i).attention.self.query.weight", StoreFixture.bytes(count: 64, seed: UInt64(10 + i))))
            list.append(("encoder.layer.\(i).output.LayerNorm.weight", StoreFixture.bytes(count: 8, seed: UInt64(20 + i))))
        }
        list.append(("pooler.dense.weight", StoreFixture.bytes(count: 64, seed: 30)))
        return list
    }()

    /// The fixture's U8 records are 1-D; give the matrices their 2-D shapes so a graft can read widths.
    static func commitBert(_ fixture: StoreFixture) throws -> ModelVersion {
        let writer = try StoreWriter(store: fixture.store)
        for (name, bytes) in bertTensors {
            var record = StoreFixture.record(name, bytes)
            if bytes.count == 64 { record.shape = [8, 8] } else if bytes.count == 80 { record.shape = [10, 8] }
            try bytes.withUnsafeBytes { try writer.addEncoded(record: record, stream: $0) }
        }
        let lineage = LineageRecord(parent: nil, operation: "import", parameters: [:])
        return try writer.commit(name: "bert", metadata: ["format": "pt"], model: ModelDescription(layers: [], lineage: lineage))
    }

    static func blobBytes(_ fixture: StoreFixture) -> UInt64 {
        let dir = fixture.store.root + "/blobs/sha256/"
        return fixture.blobNames.reduce(0) { $0 + UInt64((try? FileManager.default.attributesOfItem(atPath: dir + $1)[.size] as? Int) ?? 0) }
    }

    @Test func sliceReusesParentBlobsAndWritesOnlyConfigAndManifest() throws {
        let f = try StoreFixture()
        let parent = try Self.commitBert(f)
        let (_, manifest, config) = try f.store.load(ModelReference(parsing: "bert"))
        #expect(config.layersAreInferred)
        let sliced = try ModelSurgery.slice(config.surgeryDescription, keep: 3, parent: parent.digest.description)
        let blobsBefore = f.blobNames
        let bytesBefore = Self.blobBytes(f)

        let result = try f.store.commitDerived(DerivedModel(keptTensors: sliced.keptTensors, model: sliced.description,
                                                            metadata: config.metadata),
                                               parent: manifest, config: config, name: "backbone")
        let (_, newManifest, newConfig) = try f.store.load(ModelReference(parsing: "backbone:1"))
        // Kept: the stem and blocks 0 and 1, in the parent's order, each the parent's very blob.
        let expected = Self.bertTensors.map(\.0).filter { $0.hasPrefix("embeddings.") || $0.hasPrefix("encoder.layer.0.") || $0.hasPrefix("encoder.layer.1.") }
        #expect(newConfig.tensors.map(\.name) == expected)
        let parentBlobs = Dictionary(uniqueKeysWithValues: zip(config.tensors.map(\.name), manifest.layers.map(\.digest)))
        for (record, layer) in zip(newConfig.tensors, newManifest.layers) {
            #expect(layer.digest == parentBlobs[record.name])
        }
        // Only the config and manifest blobs are new, and the byte count says so.
        #expect(f.blobNames.subtracting(blobsBefore).count == 2)
        #expect(Self.blobBytes(f) - bytesBefore == result.newBlobBytes)
        #expect(result.newBlobBytes == UInt64(newManifest.config.size) + UInt64(result.version.manifestSize))
        #expect(newConfig.model.lineage?.operation == "slice")
        #expect(newConfig.model.lineage?.parent == parent.digest.description)
        #expect(result.version.parent == parent.digest)
        #expect(try f.store.verify().ok)
    }

    func graft(_ f: StoreFixture, seed: UInt64, name: String = "clf") throws -> DeriveResult {
        let parent = try f.store.resolve(ModelReference(parsing: "bert"))
        let (_, manifest, config) = try f.store.load(ModelReference(parsing: "bert"))
        let g = try ModelSurgery.graft(config.surgeryDescription, head: try LayerSpec.parse("dense:4,relu,dense:2"),
                                       backboneShapes: config.tensorShapes, scheme: .he, seed: seed,
                                       parent: parent.digest.description)
        return try f.store.commitDerived(DerivedModel(keptTensors: config.tensors.map(\.name), newTensors: g.newTensors,
                                                      model: g.description, metadata: config.metadata),
                                         parent: manifest, config: config, name: name)
    }

    @Test func graftIsReproducibleAndCostsOnlyTheHead() throws {
        let f = try StoreFixture()
        _ = try Self.commitBert(f)
        let bytesBefore = Self.blobBytes(f)
        let a = try graft(f, seed: 5)
        let afterFirst = Self.blobBytes(f)
        let b = try graft(f, seed: 5, name: "other")
        let c = try graft(f, seed: 6)
        #expect(a.version.digest == b.version.digest)
        #expect(a.version.digest != c.version.digest)
        #expect(b.newBlobBytes == 0)
        #expect(a.version.version == 1 && c.version.version == 2)

        let (_, manifest, config) = try f.store.load(ModelReference(parsing: "clf:1"))
        #expect(config.tensors.map(\.name) == Self.bertTensors.map(\.0) + ["head.0.weight", "head.0.bias", "head.2.weight", "head.2.bias"])
        #expect(config.tensors.suffix(4).map(\.shape) == [[4, 8], [4], [2, 4], [2]])
        // New bytes: exactly the four head blobs plus config and manifest.
        let headBytes = zip(config.tensors, manifest.layers).suffix(4).reduce(UInt64(0)) { $0 + UInt64($1.1.size) }
        let metadataBytes = UInt64(manifest.config.size) + UInt64(a.version.manifestSize)
        #expect(afterFirst - bytesBefore == headBytes + metadataBytes)
        #expect(a.newBlobBytes == afterFirst - bytesBefore)
        // The head decodes to the values the graft drew.
        let parentConfig = try f.store.load(ModelReference(parsing: "bert")).config
        let g = try ModelSurgery.graft(parentConfig.surgeryDescription, head: try LayerSpec.parse("dense:4,relu,dense:2"),
                                       backboneShapes: parentConfig.tensorShapes, scheme: .he, seed: 5, parent: nil)
        let record = try #require(config.tensors.first { $0.name == "head.0.weight" })
        let layer = manifest.layers[config.tensors.count - 4]
        let blob = try f.store.checkedStream(of: layer, tensor: record.name)
        var raw = [UInt8](repeating: 0, count: Int(record.rawBytes))
        try raw.withUnsafeMutableBytes { out in try TensorCodec.decode(record: record, stream: blob.bytes, into: out, checkDigest: true) }
        #expect(raw == g.newTensors[0].littleEndianBytes)
        #expect(try f.store.verify().ok)
    }

    @Test func refusesUnknownTensorsAndNameClashesWithoutWriting() throws {
        let f = try StoreFixture()
        _ = try Self.commitBert(f)
        let (_, manifest, config) = try f.store.load(ModelReference(parsing: "bert"))
        let before = try f.snapshot()
        let missing = DerivedModel(keptTensors: ["embeddings.LayerNorm.weight", "no.such.tensor"], model: config.model, metadata: nil)
        let e1 = #expect(throws: StoreError.self) { try f.store.commitDerived(missing, parent: manifest, config: config, name: "x") }
        #expect(e1?.message.contains("no.such.tensor") == true)
        let clash = DerivedModel(keptTensors: ["pooler.dense.weight"],
                                 newTensors: [InitializedTensor(name: "pooler.dense.weight", shape: [1], values: [0], summary: "zeros")],
                                 model: config.model, metadata: nil)
        let e2 = #expect(throws: StoreError.self) { try f.store.commitDerived(clash, parent: manifest, config: config, name: "x") }
        #expect(e2?.message.contains("pooler.dense.weight") == true)
        let badShape = DerivedModel(keptTensors: [], newTensors: [InitializedTensor(name: "h", shape: [2, 3], values: [0], summary: "")],
                                    model: config.model, metadata: nil)
        #expect(throws: StoreError.self) { try f.store.commitDerived(badShape, parent: manifest, config: config, name: "x") }
        #expect(throws: StoreError.self) {
            try f.store.writeDerived(missing, parent: manifest, config: config, to: f.directory + "/x.zckpt", format: .zckpt)
        }
        #expect(try f.snapshot() == before)
        #expect(!FileManager.default.fileExists(atPath: f.directory + "/x.zckpt"))
    }

    @Test func writesDerivedCheckpointWithParentStreamsAndEncodedHead() throws {
        let f = try StoreFixture()
        let parent = try Self.commitBert(f)
        let (_, manifest, config) = try f.store.load(ModelReference(parsing: "bert"))
        let sliced = try ModelSurgery.slice(config.surgeryDescription, keep: -1, parent: parent.digest.description)
        let head = InitializedTensor(name: "head.weight", shape: [2, 2], values: [1, -2, 0.5, 3], summary: "test")
        let derived = DerivedModel(keptTensors: sliced.keptTensors, newTensors: [head], model: sliced.description, metadata: ["format": "pt"])
        let path = f.directory + "/out.zckpt"
        try f.store.writeDerived(derived, parent: manifest, config: config, to: path, format: .zckpt, codec: .deflate)
        let reader = try CheckpointReader(path: path)
        #expect(reader.index.tensors.map(\.name) == Self.bertTensors.map(\.0).filter { $0 != "pooler.dense.weight" } + ["head.weight"])
        #expect(reader.index.metadata == ["format": "pt"])
        for (name, bytes) in Self.bertTensors where name != "pooler.dense.weight" {
            #expect(try reader.decode(name) == bytes)
        }
        #expect(try reader.decode("head.weight") == head.littleEndianBytes)
        #expect(reader.index.tensors.last?.codec == .deflate)
        let model = try #require(reader.index.model)
        #expect(model.objectValue?["lineage"]?.objectValue?["operation"] == .string("slice"))

        let st = f.directory + "/out.safetensors"
        try f.store.writeDerived(derived, parent: manifest, config: config, to: st, format: .safetensors)
        let file = try SafetensorsFile(path: st)
        #expect(file.tensors.map(\.name) == reader.index.tensors.map(\.name))
        for (name, bytes) in Self.bertTensors where name != "pooler.dense.weight" {
            let entry = try #require(file.entry(named: name))
            #expect(Array(file.bytes(of: entry)) == bytes)
        }
        #expect(file.metadata == ["format": "pt"])
    }
}
