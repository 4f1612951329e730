import Foundation
import Testing
import ZooFormat
import ZooModel
import ZooRegistry

/// `zoo slice` and `zoo graft`, run as the built binary on a runnable MLP and on a BERT-like model
/// whose layers are inferred from tensor names.
@Suite struct SurgeryCommandTests {
    @Test func sliceOfRunnableModelReusesBlobsAndRecordsLineage() throws {
        let f = try SurgeryFixture()
        try f.importModels()
        let before = f.blobBytes()
        let r = try ZooRunner.run("slice", "mlp", "--keep", "2", "--as", "mlp-bb:base", "--json", "--zoo", f.zoo)
        #expect(r.status == 0, "\(r.stderr)")
        let out = try SurgeryFixture.json(r.stdout)
        #expect(out["kept_layers"] as? [String] == ["0", "1"])
        #expect(out["dropped_layers"] as? [String] == ["2", "3", "4"])
        #expect(out["kept_tensors"] as? [String] == ["0.weight", "0.bias"])
        #expect(out["dropped_tensors"] as? [String] == ["2.weight", "2.bias", "4.weight", "4.bias"])
        // The labels named the dropped head's outputs.
        let updates = try #require(out["metadata_updates"] as? [[String: Any]])
        #expect(updates.map { $0["key"] as? String } == ["labels"])

        let parent = try f.blobs("mlp")
        let child = try f.blobs("mlp-bb:base")
        #expect(Set(child.keys) == ["0.weight", "0.bias"])
        for (name, digest) in child { #expect(parent[name] == digest) }
        let (v, m, c) = try f.load("mlp-bb:1")
        #expect(c.model.layers.map(\.name) == ["0", "1"])
        #expect(c.model.metadata.labels == nil)
        #expect(c.model.lineage?.operation == "slice")
        #expect(c.model.lineage?.parent == (try f.load("mlp")).version.digest.description)
        #expect(c.model.lineage?.parameters["keep"] == .number(2))
        // No tensor bytes: the store grew by the config and manifest only.
        let result = try #require(out["result"] as? [String: Any])
        #expect(f.blobBytes() - before == UInt64(m.config.size) + UInt64(v.manifestSize))
        #expect(result["new_blob_bytes"] as? Int == Int(f.blobBytes() - before))
    }

    @Test func sliceToFilesCarriesStreamsAndKeepsOrder() throws {
        let f = try SurgeryFixture()
        try f.importModels()
        let zckpt = f.scratch.path + "/bb.zckpt"
        var r = try ZooRunner.run("slice", "mlp", "--until", "2", "-o", zckpt, "--zoo", f.zoo)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("layers dropped (2): 3, 4"))
        let reader = try CheckpointReader(path: zckpt)
        #expect(reader.index.tensors.map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias"])
        // Each stream is the parent's stored blob, byte for byte (no re-encoding).
        let store = try f.store()
        let blobs = try f.blobs("mlp")
        for record in reader.index.tensors {
            let digest = try #require(blobs[record.name])
            let blob = try #require(FileManager.default.contents(atPath: store.blobPath(digest)))
            #expect(Array(try reader.stream(of: record)) == Array(blob))
            let values = try #require(f.mlp.tensors.first { $0.name == record.name })
            #expect(try reader.decode(record.name) == values.littleEndianBytes)
        }
        let model = try #require(reader.index.model?.objectValue)
        #expect(model["lineage"]?.objectValue?["parameters"]?.objectValue?["until"] == .string("2"))

        let st = f.scratch.path + "/bert3.safetensors"
        r = try ZooRunner.run("slice", "bert", "--keep", "3", "-o", st, "--zoo", f.zoo)
        #expect(r.status == 0, "\(r.stderr)")
        let file = try SafetensorsFile(path: st)
        let expected = f.bert.filter { $0.name.hasPrefix("embeddings.") || $0.name.hasPrefix("encoder.layer.0.") || $0.name.hasPrefix("encoder.layer.1.") }
        #expect(file.tensors.map(\.name) == expected.map(\.name))
        for t in expected {
            let entry = try #require(file.entry(named: t.name))
            #expect(entry.shape == t.shape)
            #expect(Array(file.bytes(of: entry)) == SurgeryFixture.bytes(t.values))
        }
        #expect(file.metadata == ["format": "pt"])
    }

    @Test func dryRunPrintsThePlanAndWritesNothing() throws {
        let f = try SurgeryFixture()
        try f.importModels()
        let before = f.snapshot()
        let out = f.scratch.path + "/never.safetensors"
        let r = try ZooRunner.run("slice", "bert", "--keep", "-1", "--dry-run", "-o", out, "--zoo", f.zoo)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("(layers inferred from tensor names)"))
        #expect(r.stdout.contains("layers dropped (1): pooler"))
        #expect(r.stdout.contains("tensors dropped (2"))
        #expect(r.stdout.contains("nothing written"))
        #expect(f.snapshot() == before)
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func sliceUpdatesCarriedConfigDepth() throws {
        let f = try SurgeryFixture()
        // A .zckpt whose description has no layers but carries a Hugging Face config.json.
        let path = f.scratch.path + "/bert.zckpt"
        let writer = try CheckpointWriter(path: path)
        writer.model = .object(["schema": .number(1), "layers": .array([]), "metadata": .object(["extra": .object([
            "hf_config": .object(["num_hidden_layers": .number(4), "hidden_size": .number(8)]),
        ])])])
        for t in f.bert {
            try SurgeryFixture.bytes(t.values).withUnsafeBytes { raw in
                _ = try writer.addTensor(name: t.name, dtype: .f32, shape: t.shape, raw: raw, codec: .raw)
            }
        }
        try writer.finish()
        #expect(try ZooRunner.run("import", path, "hf", "--zoo", f.zoo).status == 0)
        let r = try ZooRunner.run("slice", "hf", "--keep", "3", "--as", "hf-small", "--zoo", f.zoo)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("metadata: hf_config.num_hidden_layers: 4 -> 2"))
        let config = try f.load("hf-small").config
        let hf = config.model.metadata.extra?["hf_config"]?.objectValue
        #expect(hf?["num_hidden_layers"] == .number(2))
        #expect(hf?["hidden_size"] == .number(8))
    }

    @Test func graftIsDeterministicAndCostsOnlyTheHead() throws {
        let f = try SurgeryFixture()
        try f.importModels()
        #expect(try ZooRunner.run("slice", "bert", "--keep", "-1", "--as", "bb", "--zoo", f.zoo).status == 0)
        let before = f.blobBytes()
        let existing = Set(try ["mlp", "bert", "bb"].flatMap { try f.blobs($0).values })
        let a = try ZooRunner.run("graft", "bb", "--head", "dense:4,relu,dense:2", "--init", "he", "--seed", "3",
                                  "--labels", "neg,pos", "--as", "clf", "--json", "--zoo", f.zoo)
        #expect(a.status == 0, "\(a.stderr)")
        let grown = f.blobBytes() - before
        let b = try ZooRunner.run("graft", "bb", "--head", "dense:4,relu,dense:2", "--init", "he", "--seed", "3",
                                  "--labels", "neg,pos", "--as", "clf", "--json", "--zoo", f.zoo)
        let c = try ZooRunner.run("graft", "bb", "--head", "dense:4,relu,dense:2", "--init", "he", "--seed", "4",
                                  "--labels", "neg,pos", "--as", "clf", "--json", "--zoo", f.zoo)
        #expect(b.status == 0 && c.status == 0)
        func digest(_ r: ZooRunner.Result) throws -> String? {
            (try SurgeryFixture.json(r.stdout)["result"] as? [String: Any])?["digest"] as? String
        }
        #expect(try digest(a) != nil)
        #expect(try digest(a) == digest(b))
        #expect(try digest(a) != digest(c))

        let out = try SurgeryFixture.json(a.stdout)
        #expect(out["head_input"] as? [Int] == [8])
        #expect(out["layers_new"] as? [String] == ["head.0", "head.1", "head.2"])
        let newTensors = try #require(out["tensors_new"] as? [[String: Any]])
        #expect(newTensors.map { $0["name"] as? String } == ["head.0.weight", "head.0.bias", "head.2.weight", "head.2.bias"])
        #expect(newTensors.map { $0["shape"] as? [Int] } == [[4, 8], [4], [2, 4], [2]])

        // The backbone's blobs are the parent's; the store grew by the head plus config and manifest.
        let (v, m, config) = try f.load("clf:1")
        let parent = try f.blobs("bb")
        let mine = try f.blobs("clf:1")
        for (name, digest) in parent { #expect(mine[name] == digest) }
        // A head blob equal to one the store has (a zero bias like the MLP's) is stored once.
        var headBlobs: [Digest: Int64] = [:]
        for (record, layer) in zip(config.tensors, m.layers) where record.name.hasPrefix("head.") && !existing.contains(layer.digest) {
            headBlobs[layer.digest] = layer.size
        }
        let headBytes = headBlobs.values.reduce(UInt64(0)) { $0 + UInt64($1) }
        #expect(grown == headBytes + UInt64(m.config.size) + UInt64(v.manifestSize))
        #expect(config.model.metadata.labels == ["neg", "pos"])
        #expect(config.model.frozenLayers == 5)
        #expect(config.model.lineage?.parameters["seed"] == .number(3))
        #expect(config.model.lineage?.parameters["init"] == .string("he"))
    }

    @Test func graftReportAndFileOutput() throws {
        let f = try SurgeryFixture()
        try f.importModels()
        #expect(try ZooRunner.run("slice", "mlp", "--keep", "4", "--as", "bb", "--zoo", f.zoo).status == 0)
        let st = f.scratch.path + "/g.safetensors"
        let r = try ZooRunner.run("graft", "bb", "--head", "dense:2", "--seed", "9", "-o", st, "--zoo", f.zoo)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("layers kept (4): 0, 1, 2, 3"))
        #expect(r.stdout.contains("layers new (1): head.0"))
        #expect(r.stdout.contains("head input: [4] from layer '3' output"))
        #expect(r.stdout.contains("tensors newly initialised (2):"))
        #expect(r.stdout.contains("head.0.weight [2, 4]: uniform"))
        let file = try SafetensorsFile(path: st)
        #expect(file.tensors.map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias", "head.0.weight", "head.0.bias"])
        // The head holds exactly what the graft draws for this seed.
        let backbone = try f.load("bb").config
        let g = try ModelSurgery.graft(backbone.surgeryDescription, head: try LayerSpec.parse("dense:2"), scheme: .pytorch, seed: 9, parent: nil)
        for t in g.newTensors {
            let entry = try #require(file.entry(named: t.name))
            #expect(Array(file.bytes(of: entry)) == t.littleEndianBytes)
        }
    }

    @Test func sliceWarnsAboutTensorsNoLayerLists() throws {
        let f = try SurgeryFixture()
        let path = f.scratch.path + "/extra.zckpt"
        let writer = try CheckpointWriter(path: path)
        writer.model = try JSONDecoder().decode(JSONValue.self, from: try f.mlp.description.jsonData())
        for t in f.mlp.tensors + [InitializedTensor(name: "stray.buffer", shape: [2], values: [1, 2], summary: "")] {
            try t.littleEndianBytes.withUnsafeBytes { raw in
                _ = try writer.addTensor(name: t.name, dtype: .f32, shape: t.shape, raw: raw, codec: .raw)
            }
        }
        try writer.finish()
        #expect(try ZooRunner.run("import", path, "extra", "--zoo", f.zoo).status == 0)
        let r = try ZooRunner.run("slice", "extra", "--keep", "2", "--dry-run", "--zoo", f.zoo)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("warning: 1 tensor belongs to no layer of the description and is not carried: stray.buffer"))
    }

    @Test func filesAreSourcesToo() throws {
        let f = try SurgeryFixture()
        let bert = f.scratch.path + "/bert.safetensors"
        try f.writeBert(to: bert)
        let sliced = f.scratch.path + "/bert2.safetensors"
        var r = try ZooRunner.run("slice", bert, "--keep", "2", "-o", sliced, "--zoo", f.zoo)
        #expect(r.status == 0, "\(r.stderr)")
        let file = try SafetensorsFile(path: sliced)
        let expected = f.bert.filter { $0.name.hasPrefix("embeddings.") || $0.name.hasPrefix("encoder.layer.0.") }
        #expect(file.tensors.map(\.name) == expected.map(\.name))
        for t in expected {
            let entry = try #require(file.entry(named: t.name))
            #expect(Array(file.bytes(of: entry)) == SurgeryFixture.bytes(t.values))
        }
        // Grafting onto a file writes a file whose lineage names the source file's SHA-256.
        let grafted = f.scratch.path + "/g.zckpt"
        r = try ZooRunner.run("graft", sliced, "--head", "dense:2", "--seed", "1", "-o", grafted, "--zoo", f.zoo)
        #expect(r.status == 0, "\(r.stderr)")
        let reader = try CheckpointReader(path: grafted)
        #expect(reader.index.tensors.map(\.name) == expected.map(\.name) + ["head.0.weight", "head.0.bias"])
        let digest = Digest(of: Array(try #require(FileManager.default.contents(atPath: sliced))))
        let lineage = reader.index.model?.objectValue?["lineage"]?.objectValue
        #expect(lineage?["parent"] == .string(digest.description))
        #expect(lineage?["operation"] == .string("graft"))
        // --as needs a store parent: refused, and the store is unchanged.
        try expectRefusal(f, "import it first") {
            try ZooRunner.run("slice", bert, "--keep", "2", "--as", "x", "--zoo", f.zoo)
        }
    }

    /// Runs a command that must fail: non-zero status, `message` in stderr, store and `-o` file untouched.
    func expectRefusal(_ f: SurgeryFixture, _ message: String, _ run: () throws -> ZooRunner.Result,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = f.snapshot()
        let r = try run()
        #expect(r.status != 0, sourceLocation: sourceLocation)
        #expect(r.stderr.contains(message), "stderr: \(r.stderr)", sourceLocation: sourceLocation)
        #expect(f.snapshot() == before, sourceLocation: sourceLocation)
        #expect(!FileManager.default.fileExists(atPath: f.scratch.path + "/out.zckpt"), sourceLocation: sourceLocation)
    }

    @Test func errorsAreClearAndWriteNothing() throws {
        let f = try SurgeryFixture()
        try f.importModels()
        let z = f.zoo, out = f.scratch.path + "/out.zckpt"
        try expectRefusal(f, "--keep 99 is out of range: the model has 5 layers") {
            try ZooRunner.run("slice", "mlp", "--keep", "99", "--as", "x", "--zoo", z)
        }
        try expectRefusal(f, "--keep -6 is out of range: the model has 6 layers") {
            try ZooRunner.run("slice", "bert", "--keep", "-6", "-o", out, "--zoo", z)
        }
        try expectRefusal(f, "no layer named 'encoder.layer.9'") {
            try ZooRunner.run("slice", "bert", "--until", "encoder.layer.9", "-o", out, "--zoo", z)
        }
        try expectRefusal(f, "--keep N") { try ZooRunner.run("slice", "mlp", "--as", "x", "--zoo", z) }
        try expectRefusal(f, "--as NAME[:TAG]") { try ZooRunner.run("slice", "mlp", "--keep", "1", "--zoo", z) }
        try expectRefusal(f, "no model nope") { try ZooRunner.run("slice", "nope", "--keep", "1", "--as", "x", "--zoo", z) }
        try expectRefusal(f, "layer spec item 2 ('dense:x')") {
            try ZooRunner.run("graft", "mlp", "--head", "relu,dense:x", "--as", "x", "--zoo", z)
        }
        try expectRefusal(f, "unknown init scheme 'magic'") {
            try ZooRunner.run("graft", "mlp", "--head", "dense:2", "--init", "magic", "--as", "x", "--zoo", z)
        }
        // Both shapes named: the declared input and the backbone's output.
        try expectRefusal(f, "--in-features 7 makes the head's input [7], but the backbone's output is [8]") {
            try ZooRunner.run("graft", "bert", "--head", "dense:2", "--in-features", "7", "-o", out, "--zoo", z)
        }
        try expectRefusal(f, "but the backbone's output (layer '4') is [3]") {
            try ZooRunner.run("graft", "mlp", "--head", "dense:2", "--in-features", "5", "--as", "x", "--zoo", z)
        }
        try expectRefusal(f, "--freeze 99 is out of range") {
            try ZooRunner.run("graft", "mlp", "--head", "dense:2", "--freeze", "99", "--as", "x", "--zoo", z)
        }
    }
}
