import Foundation
import Testing
import ZooData
import ZooFormat

/// train, evaluate and predict on images and arrays through the `zoo` binary: image folders,
/// bad files, label names, --image-size, --augment, IDX, npz, top-K tables and raw outputs.
@Suite struct ImageDataCommandTests {
    /// A store, and a folder of small images in two classes that a tiny CNN tells apart at once:
    /// "dark" pictures (values up to 90) and "light" ones (from 160), of assorted sizes and formats.
    final class Fixture {
        let scratch = Scratch()
        var zoo: String { scratch.path + "/zoo" }
        var folder: String { scratch.path + "/pictures" }

        init(perClass: Int = 12) throws {
            let r = try ZooRunner.run("init", zoo)
            guard r.status == 0 else { throw DataError(.io, r.stderr) }
            var seed = 1
            for (name, range) in [("dark", 0...90), ("light", 160...255)] {
                for i in 0..<perClass {
                    let w = 14 + (i * 5) % 17, h = 12 + (i * 3) % 13
                    var pixels: [UInt8] = []
                    for p in 0..<(w * h * 3) {
                        seed = (seed &* 1103515245 &+ 12345) & 0x7FFF_FFFF
                        pixels.append(UInt8(range.lowerBound + (seed >> 8) % (range.count) * (p % 7 == 0 ? 1 : 1)))
                    }
                    let image = PixelImage(width: w, height: h, channels: 3, pixels: pixels)
                    let bytes = i % 3 == 0 ? try ImageEncoder.jpeg(image) : try ImageEncoder.png(i % 3 == 1 ? image : image.converted(toChannels: 1))
                    try FileManager.default.createDirectory(atPath: folder + "/" + name, withIntermediateDirectories: true)
                    _ = FileManager.default.createFile(atPath: "\(folder)/\(name)/\(i).\(i % 3 == 0 ? "jpg" : "png")", contents: Data(bytes))
                }
            }
        }

        func run(_ args: String...) throws -> ZooRunner.Result { try ZooRunner.run(arguments: args + ["--zoo", zoo]) }

        func create(_ name: String, layers: String, input: String = "3x16x16", extra: [String] = []) throws {
            let r = try ZooRunner.run(arguments: ["create", name, "--input", input, "--layers", layers, "--seed", "3",
                                       "--preprocessing", "resize=18,crop=16,mean=0.5,std=0.25", "--zoo", zoo] + extra)
            guard r.status == 0 else { throw DataError(.io, "create failed: \(r.stderr)") }
        }

        func snapshot() -> [String] {
            (FileManager.default.subpaths(atPath: zoo) ?? []).sorted()
        }
    }

    static let cnn = "conv2d:4:3:pad1,relu,maxpool2d:2,conv2d:4:3:pad1,relu,global_avgpool,dense:2"

    @Test func trainEvaluatePredictOnAnImageFolder() throws {
        let f = try Fixture()
        try f.create("cnn", layers: Self.cnn)
        var r = try f.run("train", "cnn", "--data", f.folder, "--epochs", "8", "--lr", "0.03", "--batch", "8", "--val-fraction", "0.25", "--json")
        #expect(r.status == 0, "\(r.stderr)")
        let history = try #require(try SurgeryFixture.json(r.stdout)["history"] as? [[String: Any]])
        #expect(((history.last?["val_accuracy"] ?? history.last?["validation_accuracy"]) as? Double ?? 0) >= 0.9, "\(history.last ?? [:])")
        // The folder names became the model's labels.
        r = try f.run("inspect", "cnn:2", "--json")
        #expect(r.stdout.contains("\"dark\"") && r.stdout.contains("\"light\""), "\(r.stdout)")
        r = try f.run("evaluate", "cnn:2", "--data", f.folder, "--json")
        #expect(r.status == 0, "\(r.stderr)")
        let e = try SurgeryFixture.json(r.stdout)
        #expect((e["accuracy"] as? Double ?? 0) >= 0.9 && e["rows"] as? Int == 24)
        #expect(e["classes"] as? [String] == ["dark", "light"])

        // People: the top classes with probabilities, per file.
        let files = [f.folder + "/dark/1.png", f.folder + "/light/0.jpg"]
        r = try f.run("predict", "cnn:2", files[0], files[1], "--top", "2")
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 5 && lines[0].hasPrefix("input"), "\(r.stdout)")
        #expect(lines[1].hasPrefix(files[0]) && lines[1].contains("dark"), "\(r.stdout)")
        #expect(lines[2].contains("light") && lines[3].hasPrefix(files[1]) && lines[3].contains("light"), "\(r.stdout)")
        // Scripts: JSON with the top list.
        r = try f.run("predict", "cnn:2", files[0], "--json")
        let p = try #require((try SurgeryFixture.json(r.stdout)["predictions"] as? [[String: Any]])?.first)
        #expect(p["label"] as? String == "dark" && p["input"] as? String == files[0])
        let top = try #require(p["top"] as? [[String: Any]])
        #expect(top.count == 2 && abs(top.compactMap { $0["probability"] as? Double }.reduce(0, +) - 1) < 1e-5)
        // Raw outputs, float32 [N, 2], the logits (no softmax).
        let out = f.scratch.path + "/logits.npy"
        r = try f.run("predict", "cnn:2", "--data", f.folder, "--output", out)
        #expect(r.status == 0, "\(r.stderr)")
        let logits = try NumpyArray.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: out))))
        #expect(logits.dtype == .f4 && logits.shape == [24, 2])
        #expect(logits.floats().contains { $0 < 0 || $0 > 1 })
    }

    @Test func badFilesStopTrainingOrAreSkippedWithAWarning() throws {
        let f = try Fixture(perClass: 4)
        try f.create("cnn", layers: Self.cnn)
        _ = FileManager.default.createFile(atPath: f.folder + "/dark/broken.jpg", contents: Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 1, 2]))
        let before = f.snapshot()
        var r = try f.run("train", "cnn", "--data", f.folder, "--epochs", "1")
        #expect(r.status == 1 && r.stderr.hasPrefix("error: ") && r.stderr.contains("dark/broken.jpg"), "\(r.stderr)")
        #expect(f.snapshot() == before)
        r = try f.run("train", "cnn", "--data", f.folder, "--epochs", "1", "--skip-bad")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("warning: skipping") && r.stderr.contains("broken.jpg") && r.stderr.contains("skipped 1 bad file"), "\(r.stderr)")
        // The folder's classes must be among a labelled model's outputs.
        try f.create("pets", layers: Self.cnn, extra: ["--labels", "cat,dark"])
        r = try f.run("evaluate", "pets", "--data", f.folder, "--skip-bad")
        #expect(r.status == 1 && r.stderr.contains("'light'"), "\(r.stderr)")
        // A model that takes feature rows refuses images.
        r = try ZooRunner.run("create", "mlp", "--input", "8", "--layers", "dense:2", "--zoo", f.zoo)
        r = try f.run("train", "mlp", "--data", f.folder)
        #expect(r.status == 1 && r.stderr.contains("holds images"), "\(r.stderr)")
    }

    @Test func imageSizeAndAugmentationAreRecorded() throws {
        let f = try Fixture(perClass: 4)
        try f.create("cnn", layers: Self.cnn)
        var r = try f.run("train", "cnn", "--data", f.folder, "--epochs", "2", "--image-size", "24", "--augment", "--seed", "5", "--as", "a")
        #expect(r.status == 0, "\(r.stderr)")
        r = try f.run("train", "cnn", "--data", f.folder, "--epochs", "2", "--image-size", "24", "--augment", "--seed", "5", "--as", "b")
        #expect(r.status == 0, "\(r.stderr)")
        let a = try SurgeryFixture.json(try f.run("inspect", "a", "--json").stdout)
        let b = try SurgeryFixture.json(try f.run("inspect", "b", "--json").stdout)
        // Seeded augmentation: the same seed gives the same version.
        let digest = (a["version"] as? [String: Any])?["digest"] as? String
        #expect(digest != nil && digest == (b["version"] as? [String: Any])?["digest"] as? String)
        let model = try #require(a["model"] as? [String: Any])
        let parameters = try #require((model["lineage"] as? [String: Any])?["parameters"] as? [String: Any])
        #expect(parameters["augment"] as? String == "random_resized_crop+hflip" && parameters["image_size"] as? Int == 24)
        // The new version runs at 24x24: its card says crop 24, resize round(24 * 18 / 16) = 27.
        #expect(model["input"] as? [Int] == [3, 24, 24])
        let recipe = try #require((model["metadata"] as? [String: Any])?["preprocessing"] as? [String: Any])
        #expect(recipe["crop"] as? [Int] == [24, 24] && recipe["resize"] as? Int == 27, "\(recipe)")
        r = try f.run("evaluate", "a", "--data", f.folder)
        #expect(r.status == 0, "\(r.stderr)")
        // A dense layer after a flatten cannot take another size: said plainly.
        try f.create("flat", layers: "flatten,dense:2")
        r = try f.run("train", "flat", "--data", f.folder, "--image-size", "20")
        #expect(r.status == 1 && r.stderr.contains("20x20"), "\(r.stderr)")
        // --augment needs images.
        let rows = f.scratch.write("rows.csv", Array("1,2,3,4,5,6,7,8,0\n8,7,6,5,4,3,2,1,1\n".utf8))
        _ = try ZooRunner.run("create", "mlp", "--input", "8", "--layers", "dense:2", "--zoo", f.zoo)
        r = try f.run("train", "mlp", "--data", rows, "--augment")
        #expect(r.status == 1 && r.stderr.contains("--augment"), "\(r.stderr)")
    }

    @Test func idxAndNpzData() throws {
        let f = try Fixture(perClass: 1)
        // 40 4x4 images, class = whether the top half is brighter, with MNIST's file names.
        var images: [UInt8] = [0, 0, 0x08, 3, 0, 0, 0, 40, 0, 0, 0, 4, 0, 0, 0, 4]
        var labels: [UInt8] = [0, 0, 0x08, 1, 0, 0, 0, 40]
        for i in 0..<40 {
            let top = i % 2 == 0
            images += (0..<16).map { p in UInt8((p < 8) == top ? 200 + (i + p) % 50 : (i * p) % 60) }
            labels.append(top ? 1 : 0)
        }
        _ = f.scratch.write("train-images-idx3-ubyte", images)
        _ = f.scratch.write("train-labels-idx1-ubyte", labels)
        _ = try ZooRunner.run("create", "mlp", "--input", "16", "--layers", "dense:8,relu,dense:2", "--seed", "1", "--zoo", f.zoo)
        var r = try f.run("train", "mlp", "--data", f.scratch.path + "/train-images-idx3-ubyte", "--epochs", "30", "--lr", "0.05", "--val-fraction", "0")
        #expect(r.status == 0, "\(r.stderr)")
        r = try f.run("evaluate", "mlp:2", "--data", f.scratch.path + "/train-images-idx3-ubyte", "--json")
        #expect((try SurgeryFixture.json(r.stdout)["accuracy"] as? Double ?? 0) >= 0.95, "\(r.stdout) \(r.stderr)")
        // The same inputs as an .npz of float rows, and as an .npy with --labels.
        let x = NumpyArray(floats: stride(from: 16, to: images.count, by: 1).map { Float(images[$0]) / 255 }, shape: [40, 16])
        let y = NumpyArray(integers: labels.dropFirst(8).map(Int.init), shape: [40])
        let npz = f.scratch.write("d.npz", NumpyArchive.serialized([("x", x), ("y", y)]))
        r = try f.run("evaluate", "mlp:2", "--data", npz, "--json")
        #expect((try SurgeryFixture.json(r.stdout)["accuracy"] as? Double ?? 0) >= 0.95, "\(r.stderr)")
        let xs = f.scratch.write("x.npy", x.serialized()), ys = f.scratch.write("y.npy", y.serialized())
        r = try f.run("evaluate", "mlp:2", "--data", xs, "--labels", ys, "--json")
        #expect((try SurgeryFixture.json(r.stdout)["accuracy"] as? Double ?? 0) >= 0.95, "\(r.stderr)")
        r = try f.run("evaluate", "mlp:2", "--data", xs)
        #expect(r.status == 1 && r.stderr.contains("no labels"), "\(r.stderr)")
        let wrong = f.scratch.write("w.npz", NumpyArchive.serialized([("x", NumpyArray(floats: [1, 2, 3], shape: [1, 3]))]))
        r = try f.run("predict", "mlp:2", "--data", wrong)
        #expect(r.status == 1 && r.stderr.contains("3 features per row but the model's input is 16"), "\(r.stderr)")
    }
}
