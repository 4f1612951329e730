import Foundation
import Testing
import ZooFormat
import ZooModel
import ZooRegistry

/// A network of blocks through the CLI, run as the built binary: `create --arch` draws every block
/// node's tensors, `inspect` summarises blocks with their shapes and architecture, `slice --until`
/// cuts at a block, `graft` reads the head's input from the cut backbone, and `train --freeze
/// backbone` trains the head only, carrying the backbone's blobs.
@Suite struct BlockCommandTests {
    /// The description of the PyTorch reference network of ZooTrain's block tests (ResNet
    /// BasicBlocks, MobileNet inverted residuals, a concat; input 3x8x8), with an architecture name.
    static func description(in f: SurgeryFixture) throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        let vector = try Data(contentsOf: root.appendingPathComponent("ZooTrainTests/Vectors/blocks_resnet_mobilenet.json"))
        guard let object = try JSONSerialization.jsonObject(with: vector) as? [String: Any], var model = object["description"] as? [String: Any] else {
            throw StoreError(.invalidArgument, "the vector has no description")
        }
        model["metadata"] = ["architecture": "test.resnet_mobilenet"]
        return f.scratch.write("arch.json", Array(try JSONSerialization.data(withJSONObject: model)))
    }

    /// `rows` random 3x8x8 images (192 values) with labels 0-2, as CSV.
    static func data(in f: SurgeryFixture, rows: Int) -> String {
        var g = SeededRandom.splitMix(seed: 4)
        var text = ""
        for r in 0..<rows {
            text += (0..<192).map { _ in String(format: "%.3f", g.unit() * 2 - 1) }.joined(separator: ",") + ",\(r % 3)\n"
        }
        return f.scratch.write("images.csv", Array(text.utf8))
    }

    @Test func createInspectSliceGraftTrain() throws {
        let f = try SurgeryFixture()
        let arch = try Self.description(in: f)
        var r = try ZooRunner.run("create", "net", "--arch", arch, "--init", "torchvision", "--seed", "2", "--json", "--zoo", f.zoo)
        #expect(r.status == 0, "\(r.stderr)")
        let (_, _, config) = try f.load("net")
        #expect(config.model.lineage?.parameters["arch"] == .string("arch.json"))
        #expect(config.model.runnability(tensors: config.tensorShapes).isRunnable)

        r = try ZooRunner.run("inspect", "net", "--zoo", f.zoo)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("arch:       test.resnet_mobilenet"))
        #expect(r.stdout.contains("runnable:   yes"))
        #expect(r.stdout.contains("block(9, residual): conv3/2,bn,relu,conv3,bn,conv1/2,bn,add,relu"))
        #expect(r.stdout.contains("8x4x4"))

        r = try ZooRunner.run("inspect", "net", "--json", "--zoo", f.zoo)
        let report = try SurgeryFixture.json(r.stdout)
        let rows = try #require(report["layers"] as? [[String: Any]])
        #expect(rows.map { $0["name"] as? String } == ["conv1", "bn1", "relu", "layer1.0", "layer1.1", "features.2", "features.3", "mixed", "avgpool", "flatten", "fc"])
        #expect(rows[3]["output_shape"] as? [Int] == [8, 4, 4])
        #expect(rows[5]["nodes"] as? Int == 15)
        let layers = try #require((report["model"] as? [String: Any])?["layers"] as? [[String: Any]])
        #expect((layers[5]["nodes"] as? [[String: Any]])?.count == 15)

        r = try ZooRunner.run("slice", "net", "--until", "features.3", "--as", "backbone", "--json", "--zoo", f.zoo)
        #expect(r.status == 0, "\(r.stderr)")
        let sliced = try SurgeryFixture.json(r.stdout)
        #expect((sliced["kept_tensors"] as? [String])?.contains("features.3.conv.3.running_var") == true)
        #expect((sliced["dropped_tensors"] as? [String])?.contains("mixed.branch3x3.bias") == true)
        r = try ZooRunner.run("graft", "backbone", "--head", "global_avgpool,dense:3", "--as", "tl", "--json", "--zoo", f.zoo)
        #expect(r.status == 0, "\(r.stderr)")
        let grafted = try SurgeryFixture.json(r.stdout)
        #expect(grafted["head_input"] as? [Int] == [8, 4, 4])
        let parent = try f.blobs("net"), child = try f.blobs("tl")
        for (name, digest) in child where !name.hasPrefix("head.") { #expect(parent[name] == digest, "\(name)") }
        // The backbone costs no tensor bytes: only the head's two tensors are new blobs.
        #expect(Set(child.keys).subtracting(parent.keys) == ["head.1.weight", "head.1.bias"])

        let data = Self.data(in: f, rows: 24)
        r = try ZooRunner.run("train", "tl", "--data", data, "--epochs", "2", "--batch", "8", "--lr", "0.01", "--freeze", "backbone",
                              "--seed", "1", "--as", "tl:trained", "--json", "--zoo", f.zoo)
        #expect(r.status == 0, "\(r.stderr)")
        let trained = try SurgeryFixture.json(r.stdout)
        #expect(trained["frozen_layers"] as? Int == 7)
        #expect(Set(trained["tensors_changed"] as? [String] ?? []) == ["head.1.weight", "head.1.bias"])
        let after = try f.blobs("tl:trained")
        for (name, digest) in child where !name.hasPrefix("head.") { #expect(after[name] == digest, "\(name)") }
    }

    @Test func createRefusesABadArchitecture() throws {
        let f = try SurgeryFixture()
        var r = try ZooRunner.run("create", "net", "--zoo", f.zoo)
        #expect(r.status == 64)
        #expect(r.stderr.contains("--arch"))
        let broken = f.scratch.write("broken.json", Array("{\"input\": [3, 4, 4], \"layers\": [{\"name\": \"b\", \"op\": \"block\", \"nodes\": [{\"name\": \"a\", \"op\": \"relu\", \"inputs\": [\"x\"]}]}]}".utf8))
        r = try ZooRunner.run("create", "net", "--arch", broken, "--zoo", f.zoo)
        #expect(r.status == 1)
        #expect(r.stderr.contains("reads 'x'"))
        #expect(try ZooRunner.run("list", "--json", "--zoo", f.zoo).stdout.contains("net") == false)
    }
}
