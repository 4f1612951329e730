import Foundation
import Testing
import ZooFormat
import ZooTestSupport

/// `zoo import` and `zoo inspect` on checkpoints of a recognised architecture (MobileNetV3-Small's
/// tensor names and shapes from torchvision, zero weights) and on a near miss.
@Suite struct ArchitectureCommandTests {
    /// Writes the fixture architecture `name` as safetensors (zeros), leaving out tensors `dropping`.
    static func write(_ name: String, to path: String, dropping: Set<String> = []) throws {
        let entry = try #require(ArchitectureFixture.entries[name])
        let tensors = entry.tensors.filter { !dropping.contains($0.name) }.map {
            (name: $0.name, dtype: $0.name.hasSuffix("num_batches_tracked") ? DType.i64 : DType.f32, shape: $0.shape)
        }
        let writer = try SafetensorsWriter(path: path, tensors: tensors, metadata: nil)
        for entry in writer.header.tensors {
            // Errors carried out of the closure by hand: a typed-throws closure here crashes Swift 6.3's IRGen.
            var failure: FormatError?
            [UInt8](repeating: 0, count: entry.dataOffsets.count).withUnsafeBytes { raw in
                do throws(FormatError) { try writer.write(raw) } catch { failure = error }
            }
            if let failure { throw failure }
        }
        try writer.finish()
    }

    @Test func importRecognisesTheArchitectureAndInspectShowsIt() throws {
        let dir = Scratch()
        let file = dir.path + "/mnv3.safetensors", zoo = dir.path + "/zoo"
        try Self.write("torchvision.mobilenet_v3_small", to: file)
        let fileInspection = try StoreCLI.run(["inspect", file])
        #expect(fileInspection.stdout.contains("architecture torchvision.mobilenet_v3_small"), "\(fileInspection.stdout)")
        let fileJSON = try StoreCLI.run(["inspect", file, "--json"])
        let fj = try #require(try JSONSerialization.jsonObject(with: Data(fileJSON.stdout.utf8)) as? [String: Any])
        #expect(fj["architecture"] as? String == "torchvision.mobilenet_v3_small")

        #expect(try StoreCLI.run(["init", zoo]).status == 0)
        let imported = try StoreCLI.run(["import", file, "mnv3", "--zoo", zoo])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("architecture: torchvision.mobilenet_v3_small"))
        let shown = try StoreCLI.run(["inspect", "mnv3", "--zoo", zoo])
        #expect(shown.stdout.contains("arch:       torchvision.mobilenet_v3_small"))
        #expect(shown.stdout.contains("runnable:   yes"), "\(shown.stdout)")
        #expect(shown.stdout.contains("labels:     1000 (tench, goldfish, great white shark, ...)"), "\(shown.stdout)")
        // Each layer's output at the recorded 224x224 input: features.12 is 576x7x7, the logits 1000.
        #expect(shown.stdout.split(separator: "\n").contains { $0.contains("features.12") && $0.contains("576x7x7") })
        #expect(shown.stdout.split(separator: "\n").contains { $0.contains("classifier.3") && $0.contains("dense:1000") })

        let json = try StoreCLI.run(["inspect", "mnv3", "--zoo", zoo, "--json"])
        let j = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(j["architecture"] as? String == "torchvision.mobilenet_v3_small")
        #expect(j["runnable"] as? Bool == true)
        let model = try #require(j["model"] as? [String: Any])
        #expect(model["input"] as? [Int] == [3, 224, 224])
        #expect((model["metadata"] as? [String: Any])?["preprocessing"] != nil)

        // The cut timm's feature_info calls stage 3 (stride 16) and a new head after the last features.
        let sliced = try StoreCLI.run(["slice", "mnv3", "--until", "features.8", "--as", "mnv3:c4", "--zoo", zoo])
        #expect(sliced.status == 0, "\(sliced.stderr)")
        #expect(sliced.stderr.contains("batch-norm num_batches_tracked counters are not carried"), "\(sliced.stderr)")
        let cut = try StoreCLI.run(["inspect", "mnv3:c4", "--zoo", zoo])
        #expect(cut.stdout.split(separator: "\n").last { $0.contains("features.") }?.contains("48x14x14") == true, "\(cut.stdout)")
        #expect(try StoreCLI.run(["slice", "mnv3:1", "--until", "features.12", "--as", "mnv3:backbone", "--zoo", zoo]).status == 0)
        let grafted = try StoreCLI.run(["graft", "mnv3:backbone", "--head", "global_avgpool,dense:10", "--as", "mnv3:ten", "--zoo", zoo])
        #expect(grafted.status == 0, "\(grafted.stderr)")
        #expect(try StoreCLI.run(["inspect", "mnv3:ten", "--zoo", zoo]).stdout.contains("runnable:   yes"))
    }

    @Test func aNearMissIsInferredAndInspectSaysWhy() throws {
        let dir = Scratch()
        let file = dir.path + "/almost.safetensors", zoo = dir.path + "/zoo"
        try Self.write("torchvision.mobilenet_v3_small", to: file, dropping: ["features.4.block.2.fc1.bias"])
        let why = "not recognised: closest is torchvision.mobilenet_v3_small, 1 tensor differs, first features.4.block.2.fc1.bias [24] is missing"
        #expect(try StoreCLI.run(["inspect", file]).stdout.contains("architecture \(why)"))
        #expect(try StoreCLI.run(["init", zoo]).status == 0)
        let imported = try StoreCLI.run(["import", file, "almost", "--zoo", zoo, "--json"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(imported.stdout.utf8)) as? [String: Any])
        #expect(result["architecture"] == nil || result["architecture"] is NSNull)
        #expect(result["not_recognised_because"] as? String == why)
        let shown = try StoreCLI.run(["inspect", "almost", "--zoo", zoo])
        #expect(shown.stdout.contains("arch:       \(why)"))
        #expect(shown.stdout.contains("runnable:   no"))
        #expect(shown.stdout.contains("inferred block"))
    }

    @Test func archOverridesRecognition() throws {
        let dir = Scratch()
        let file = dir.path + "/mnv3.safetensors", zoo = dir.path + "/zoo"
        try Self.write("torchvision.mobilenet_v3_small", to: file)
        #expect(try StoreCLI.run(["init", zoo]).status == 0)
        #expect(try StoreCLI.run(["import", file, "mnv3", "--zoo", zoo]).status == 0)
        // The recognised description, edited (a 96x96 input, another name), given back with --arch.
        let json = try StoreCLI.run(["inspect", "mnv3", "--zoo", zoo, "--json"])
        var model = try #require((try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])?["model"] as? [String: Any])
        model["input"] = [3, 96, 96]
        model["layers"] = (model["layers"] as? [[String: Any]])?.map { l in l.filter { $0.key != "input_shape" && $0.key != "output_shape" } }
        var metadata = model["metadata"] as? [String: Any] ?? [:]
        metadata["architecture"] = "custom.small96"
        model["metadata"] = metadata
        model["lineage"] = nil
        let arch = dir.path + "/arch.json"
        try JSONSerialization.data(withJSONObject: model).write(to: URL(fileURLWithPath: arch))
        let again = try StoreCLI.run(["import", file, "mnv3:in96", "--arch", arch, "--zoo", zoo])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("architecture: custom.small96"))
        let shown = try StoreCLI.run(["inspect", "mnv3:in96", "--zoo", zoo])
        #expect(shown.stdout.split(separator: "\n").contains { $0.contains("features.12") && $0.contains("576x3x3") }, "\(shown.stdout)")
    }
}
