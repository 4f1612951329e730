import Foundation
import Testing
import ZooFormat
import ZooTestSupport

/// `zoo inspect`, `convert` and `import` on PyTorch checkpoints, run as a person would run them:
/// the vectors of formats/vectors/pytorch/ and the real torchvision MobileNetV2 weights.
@Suite struct PyTorchCommandTests {
    static let vectors = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("formats/vectors/pytorch")
    static func vector(_ name: String) -> String { vectors.appendingPathComponent(name).path }

    /// What the `os.system` vectors would create if their pickle ran.
    static let marker = "/tmp/zoo-pickle-side-effect"

    struct Bad: Decodable {
        var file: String
        var kind: String
        var message: String
    }

    static func badVectors() throws -> [Bad] {
        struct Manifest: Decodable { var bad: [Bad] }
        let data = try Data(contentsOf: vectors.appendingPathComponent("manifest.json"))
        return try JSONDecoder().decode(Manifest.self, from: data).bad
    }

    @Test func everyHostileVectorExitsOneWithItsError() throws {
        let bad = try Self.badVectors()
        #expect(bad.count >= 30)
        for vector in bad {
            for args in [["inspect", Self.vector(vector.file)], ["inspect", Self.vector(vector.file), "--json"]] {
                let r = try StoreCLI.run(args)
                #expect(r.status == 1, "\(args): exit \(r.status)")
                #expect(r.stderr.hasPrefix("error: ") && r.stderr.contains(vector.message), "\(vector.file): \(r.stderr)")
                #expect(r.stdout.isEmpty, "\(vector.file)")
            }
        }
    }

    @Test func aPicklesCodeNeverRuns() throws {
        try? FileManager.default.removeItem(atPath: Self.marker)
        let scratch = Scratch()
        #expect(try ZooRunner.run("init", scratch.path + "/zoo").status == 0)
        for file in ["bad_os_system_zip.pt", "bad_os_system_legacy.pt"] {
            let path = Self.vector(file)
            for args in [["inspect", path], ["inspect", path, "--tensors", "--json"], ["convert", path, scratch.path + "/out.safetensors"],
                         ["convert", path, scratch.path + "/out.zckpt"], ["import", path, "evil", "--zoo", scratch.path + "/zoo"]] {
                let r = try StoreCLI.run(args)
                #expect(r.status == 1, "\(args)")
                #expect(r.stderr.contains("global os.system") && r.stderr.contains("allow-list"), "\(args): \(r.stderr)")
                #expect(!FileManager.default.fileExists(atPath: Self.marker), "\(args) ran the pickle's os.system")
            }
        }
        #expect(!scratch.exists("out.safetensors") && !scratch.exists("out.zckpt"))
    }

    @Test func aRefusedImportLeavesTheStoreAsItWas() throws {
        let scratch = Scratch()
        let zoo = scratch.path + "/zoo"
        #expect(try ZooRunner.run("init", zoo).status == 0)
        #expect(try ZooRunner.run("import", Self.vector("good_tied_zip.pt"), "tied", "--zoo", zoo).status == 0)
        let before = try StoreCLI.snapshot(zoo)
        for file in ["bad_os_system_zip.pt", "bad_os_system_legacy.pt", "bad_zip_dotdot.pt", "bad_storage_past_end_legacy.pt",
                     "bad_truncated_zip.pt", "bad_memo_bomb_zip.pt", "bad_view_past_storage_zip.pt"] {
            for name in ["tied", "fresh"] {
                let r = try ZooRunner.run("import", Self.vector(file), name, "--zoo", zoo)
                #expect(r.status == 1, "\(file): \(r.stderr)")
                #expect(try StoreCLI.snapshot(zoo) == before, "\(file) changed the store")
            }
        }
        let list = try ZooRunner.run("list", "--zoo", zoo, "--json")
        #expect(list.stdout.contains("\"tied\"") && !list.stdout.contains("fresh"))
    }

    @Test func inspectListsWhatIsNotImported() throws {
        let r = try ZooRunner.run("inspect", Self.vector("good_lightning.ckpt"), "--tensors")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("format      pytorch-zip 3"))
        #expect(r.stdout.contains("tensors at  'state_dict'"))
        #expect(r.stdout.contains("'model.' removed from every tensor name"))
        #expect(r.stdout.contains("not imported (8):"))
        #expect(r.stdout.contains("epoch  int  3"))
        #expect(r.stdout.contains("optimizer_states  list  1 item, 1 tensor"))
        #expect(r.stdout.contains("0.weight") && !r.stdout.contains("model.0.weight"))
        let j = try ZooRunner.run("inspect", Self.vector("good_lightning.ckpt"), "--json")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any])
        #expect(json["tensor_key"] as? String == "state_dict")
        #expect(json["stripped_prefix"] as? String == "model.")
        let entries = try #require(json["not_imported"] as? [[String: String]])
        #expect(entries.first == ["path": "epoch", "kind": "int", "summary": "3"])
        #expect(entries.map { $0["path"] ?? "" }.contains("hyper_parameters"))
        // --key picks another dict; a stored model takes no --key.
        let chosen = try ZooRunner.run("inspect", Self.vector("good_lightning.ckpt"), "--key", "optimizer_states", "--json")
        #expect(chosen.status == 0 && chosen.stdout.contains("\"0.state.0.exp_avg\""), "\(chosen.stderr)")
        let none = try ZooRunner.run("inspect", Self.vector("good_lightning.ckpt"), "--key", "hyper_parameters")
        #expect(none.status == 1 && none.stderr.contains("no tensors under 'hyper_parameters'"))
        let usage = try ZooRunner.run("inspect", "some-model", "--key", "x")
        #expect(usage.status == 64)
        let shardKey = try ZooRunner.run("inspect", Self.vector("sharded/pytorch_model.bin.index.json"), "--key", "state_dict")
        #expect(shardKey.status == 1)
    }

    @Test func convertThenImportGivesTheSameTensors() throws {
        let scratch = Scratch()
        let zoo = scratch.path + "/zoo"
        #expect(try ZooRunner.run("init", zoo).status == 0)
        for (n, file) in ["good_views_legacy.pt", "good_lightning.ckpt", "sharded/pytorch_model.bin.index.json"].enumerated() {
            let source = try TensorSource(path: Self.vector(file))
            let out = scratch.path + "/c.safetensors"
            let c = try ZooRunner.run("convert", Self.vector(file), out)
            #expect(c.status == 0, "\(c.stderr)")
            let converted = try SafetensorsFile(path: out)
            #expect(Set(converted.tensors.map(\.name)) == Set(source.tensors.map(\.name)))
            // Official order: by dtype alignment, then name (what safetensors.torch.save_file writes).
            #expect(converted.tensors.map(\.name) == SafetensorsHeader.officialOrder(converted.tensors, name: \.name, dtype: \.dtype).map(\.name))
            #expect(converted.isCanonical)
            for (i, tensor) in source.tensors.enumerated() {
                let entry = try #require(converted.entry(named: tensor.name))
                #expect(entry.shape == tensor.shape && entry.dtype == tensor.dtype)
                #expect(Array(converted.bytes(of: entry)) == (try source.bytes(of: i)).array, "\(file) \(tensor.name)")
            }
            // .zckpt and back, and import then export: the same safetensors bytes.
            #expect(try ZooRunner.run("convert", Self.vector(file), scratch.path + "/c.zckpt").status == 0)
            #expect(try ZooRunner.run("convert", scratch.path + "/c.zckpt", scratch.path + "/back.safetensors").status == 0)
            let back = try SafetensorsFile(path: scratch.path + "/back.safetensors")
            for entry in converted.tensors {
                #expect(Array(back.bytes(of: try #require(back.entry(named: entry.name)))) == Array(converted.bytes(of: entry)))
            }
            let name = "m\(n)"
            let imp = try ZooRunner.run("import", Self.vector(file), name, "--zoo", zoo, "--json")
            #expect(imp.status == 0, "\(imp.stderr)")
            #expect(try ZooRunner.run("export", name, scratch.path + "/e.safetensors", "--zoo", zoo).status == 0)
            let exported = try SafetensorsFile(path: scratch.path + "/e.safetensors")
            #expect(exported.tensors.map(\.name) == source.tensors.map(\.name), "the store keeps the checkpoint's order")
            for entry in exported.tensors {
                #expect(Array(exported.bytes(of: entry)) == Array(converted.bytes(of: try #require(converted.entry(named: entry.name)))))
            }
        }
        // Lineage records where the tensors were found.
        let lineage = try ZooRunner.run("inspect", "m1", "--zoo", zoo, "--json")
        #expect(lineage.stdout.contains("\"key\"") && lineage.stdout.contains("state_dict") && lineage.stdout.contains("pytorch-zip"),
                "\(lineage.stdout)")
    }

    @Test(.enabled(if: TestData.has("mobilenet_v2-b0353104.pth")))
    func realMobileNetV2ConvertsAndImports() throws {
        let pth = TestData.path("mobilenet_v2-b0353104.pth")
        let scratch = Scratch()
        let inspect = try ZooRunner.run("inspect", pth)
        #expect(inspect.status == 0 && inspect.stdout.contains("format      pytorch-legacy 1001") && inspect.stdout.contains("tensors     314"))
        let out = scratch.path + "/m.safetensors"
        let convert = try ZooRunner.run("convert", pth, out)
        #expect(convert.status == 0 && convert.stdout.contains("wrote \(out): 314 tensors"), "\(convert.stderr)")
        let zoo = scratch.path + "/zoo"
        #expect(try ZooRunner.run("init", zoo).status == 0)
        let imp = try ZooRunner.run("import", pth, "mobilenet-v2", "--zoo", zoo)
        #expect(imp.status == 0 && imp.stdout.contains("314 tensors"), "\(imp.stderr)")
        // The store's tensors are the converted file's (the reference check against torch.load is
        // scripts/pytorch_reference.py, which CI runs).
        #expect(try ZooRunner.run("export", "mobilenet-v2", scratch.path + "/e.safetensors", "--zoo", zoo).status == 0)
        let a = try SafetensorsFile(path: out), b = try SafetensorsFile(path: scratch.path + "/e.safetensors")
        for entry in b.tensors {
            #expect(Array(b.bytes(of: entry)) == Array(a.bytes(of: try #require(a.entry(named: entry.name)))), "\(entry.name)")
        }
    }
}
