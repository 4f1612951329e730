import Foundation
import Testing
import ZooFormat
import ZooModel
import ZooRegistry

/// `zoo create`, `train`, `evaluate` and `predict`, run as the built binary on the first rows of
/// the project's digits data (tiny budgets: a few epochs of a small MLP).
@Suite struct TrainCommandTests {
    static let labels = "zero,one,two,three,four,five,six,seven,eight,nine"

    /// The first `rows` lines of zoo/datasets/digits.csv.gz (64 pixel values 0...16, then the digit).
    static func digits(rows: Int) throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let gz = try Data(contentsOf: root.appendingPathComponent("zoo/datasets/digits.csv.gz"))
        let text = String(decoding: try Gzip.decompress([UInt8](gz)), as: UTF8.self)
        return text.split(separator: "\n").prefix(rows).joined(separator: "\n") + "\n"
    }

    /// A store with `mlp` (64 -> 32 -> 10, labelled) and the digits subset as `digits.csv`.
    static func setUp(rows: Int = 300) throws -> (f: SurgeryFixture, data: String) {
        let f = try SurgeryFixture()
        let data = f.scratch.write("digits.csv", Array(try digits(rows: rows).utf8))
        let r = try ZooRunner.run("create", "mlp", "--input", "64", "--layers", "dense:32,relu,dense:10", "--init", "he",
                                  "--seed", "7", "--labels", labels, "--zoo", f.zoo)
        guard r.status == 0 else { throw StoreError(.invalidArgument, "create failed: \(r.stderr)") }
        return (f, data)
    }

    static func train(_ f: SurgeryFixture, _ data: String, _ extra: String...) throws -> ZooRunner.Result {
        let args = ["train", "mlp:1", "--data", data, "--epochs", "3", "--batch", "32", "--lr", "0.01",
                    "--normalize", "scale:16", "--seed", "3", "--json", "--zoo", f.zoo] + extra
        return try run(args)
    }

    /// Runs `zoo` with an argument array (ZooRunner.run takes a variadic list).
    static func run(_ arguments: [String]) throws -> ZooRunner.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ZooRunner.binary)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ZooRunner.Result(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                                stderr: String(decoding: e, as: UTF8.self))
    }

    @Test func createTrainEvaluatePredict() throws {
        let (f, data) = try Self.setUp()
        let parent = try f.load("mlp:1")
        #expect(parent.config.model.lineage?.operation == "create")
        #expect(parent.config.model.lineage?.parameters["layers"] == .string("dense:32,relu,dense:10"))
        #expect(parent.config.model.metadata.labels?.count == 10)

        var r = try Self.train(f, data, "--val-fraction", "0.2")
        #expect(r.status == 0, "\(r.stderr)")
        let out = try SurgeryFixture.json(r.stdout)
        #expect(out["version"] as? String == "mlp:2")
        let history = try #require(out["history"] as? [[String: Any]])
        #expect(history.count == 3)
        let firstLoss = try #require(history.first?["train_loss"] as? Double), lastLoss = try #require(history.last?["train_loss"] as? Double)
        #expect(lastLoss < firstLoss)
        // 3 epochs on 240 rows: far better than chance (10%), as the loss fell.
        let valAccuracy = try #require(history.last?["val_accuracy"] as? Double)
        #expect(valAccuracy > 0.5)

        // The new version: lineage with the parent, data digest, hyperparameters and history; the
        // fitted normalisation in its metadata.
        let child = try f.load("mlp:2")
        let lineage = try #require(child.config.model.lineage)
        #expect(lineage.operation == "train")
        #expect(lineage.parent == parent.version.digest.description)
        let fileBytes = try Data(contentsOf: URL(fileURLWithPath: data))
        #expect(lineage.parameters["data"] == .string("sha256:" + SHA256Digest.hex([UInt8](fileBytes))))
        #expect(lineage.parameters["epochs"] == .number(3))
        #expect(lineage.parameters["lr"] == .number(0.01))
        #expect(lineage.parameters["val_fraction"] == .number(0.2))
        #expect(lineage.parameters["optimizer"]?.objectValue?["name"] == .string("adam"))
        if case .array(let epochs)? = lineage.parameters["history"] {
            #expect(epochs.count == 3)
            #expect(epochs.first?.objectValue?["seconds"] == nil)
        } else {
            Issue.record("no history in the lineage")
        }
        #expect(child.config.model.metadata.normalization == Normalization(mean: [0], std: [16]))
        #expect(child.version.parent == parent.version.digest)

        r = try ZooRunner.run("evaluate", "mlp", "--data", data, "--json", "--zoo", f.zoo)
        #expect(r.status == 0, "\(r.stderr)")
        let e = try SurgeryFixture.json(r.stdout)
        let confusion = try #require(e["confusion"] as? [[Int]])
        #expect(confusion.count == 10 && confusion.allSatisfy { $0.count == 10 })
        #expect(confusion.joined().reduce(0, +) == 300)
        let accuracy = try #require(e["accuracy"] as? Double)
        #expect(abs(accuracy - Double((0..<10).map { confusion[$0][$0] }.reduce(0, +)) / 300) < 1e-12)
        #expect(e["classes"] as? [String] == Self.labels.split(separator: ",").map(String.init))

        // Predict agrees with evaluate: the same rows, the same accuracy against the labels.
        r = try ZooRunner.run("predict", "mlp:2", "--data", data, "--json", "--zoo", f.zoo)
        #expect(r.status == 0, "\(r.stderr)")
        let predictions = try #require(try SurgeryFixture.json(r.stdout)["predictions"] as? [[String: Any]])
        #expect(predictions.count == 300)
        let right = predictions.filter { ($0["class"] as? Int) == ($0["true_class"] as? Int) }.count
        #expect(abs(Double(right) / 300 - accuracy) < 1e-12)
        let names = Self.labels.split(separator: ",").map(String.init)
        #expect(predictions.allSatisfy { p in (p["label"] as? String) == (p["class"] as? Int).map { names[$0] } })
        #expect(predictions.allSatisfy { p in ((p["probability"] as? Double) ?? 0) >= 0.1 })

        // People's output: a table of label names; unlabelled rows are accepted too.
        let features = try String(contentsOfFile: data, encoding: .utf8).split(separator: "\n").prefix(5)
            .map { $0.split(separator: ",").dropLast().joined(separator: ",") }.joined(separator: "\n")
        let unlabelled = f.scratch.write("x.csv", Array(features.utf8))
        r = try ZooRunner.run("predict", "mlp:2", "--data", unlabelled, "--zoo", f.zoo)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 6)
        #expect(lines.dropFirst().allSatisfy { line in names.contains { line.contains($0) } })
        r = try ZooRunner.run("evaluate", "mlp:2", "--data", data, "--zoo", f.zoo)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("confusion"))
        #expect(r.stdout.contains("seven"))
    }

    @Test func sameSeedSameWeightsAndDigest() throws {
        let (f, data) = try Self.setUp(rows: 200)
        // create with the same seed gives the same digest again.
        var r = try ZooRunner.run("create", "again", "--input", "64", "--layers", "dense:32,relu,dense:10", "--init", "he",
                                  "--seed", "7", "--labels", Self.labels, "--zoo", f.zoo)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try f.load("again").version.digest == (try f.load("mlp:1")).version.digest)

        r = try Self.train(f, data, "--as", "a")
        #expect(r.status == 0, "\(r.stderr)")
        r = try Self.train(f, data, "--as", "b")
        #expect(r.status == 0, "\(r.stderr)")
        r = try Self.train(f, data, "--as", "c", "--seed", "4")
        #expect(r.status == 0, "\(r.stderr)")
        let a = try f.blobs("a"), b = try f.blobs("b"), c = try f.blobs("c")
        #expect(a == b)
        #expect(try f.load("a").version.digest == (try f.load("b")).version.digest)
        // Another seed shuffles differently: other weights, so the check above can fail.
        #expect(a["0.weight"] != c["0.weight"])
    }

    @Test func frozenBackboneKeepsItsBlobs() throws {
        let (f, data) = try Self.setUp(rows: 200)
        var r = try Self.train(f, data, "--freeze", "backbone", "--as", "head")
        #expect(r.status == 0, "\(r.stderr)")
        let out = try SurgeryFixture.json(r.stdout)
        #expect(out["tensors_changed"] as? [String] == ["2.weight", "2.bias"])
        #expect(out["frozen_layers"] as? Int == 2)
        let parent = try f.blobs("mlp:1"), child = try f.blobs("head")
        #expect(child["0.weight"] == parent["0.weight"] && child["0.bias"] == parent["0.bias"])
        #expect(child["2.weight"] != parent["2.weight"])

        r = try Self.train(f, data, "--freeze", "none", "--as", "all")
        #expect(r.status == 0, "\(r.stderr)")
        let all = try f.blobs("all")
        #expect(all["0.weight"] != parent["0.weight"])
    }

    @Test func refusesModelsThatCannotRun() throws {
        let (f, data) = try Self.setUp(rows: 20)
        try f.writeBert(to: f.scratch.path + "/bert.safetensors")
        var r = try ZooRunner.run("import", f.scratch.path + "/bert.safetensors", "bert", "--zoo", f.zoo)
        #expect(r.status == 0, "\(r.stderr)")
        let before = f.snapshot()
        for command in ["train", "evaluate", "predict"] {
            r = try ZooRunner.run(command, "bert", "--data", data, "--zoo", f.zoo)
            #expect(r.status != 0)
            #expect(r.stderr.contains("cannot be run by the trainer"), "\(command): \(r.stderr)")
            #expect(r.stderr.contains("inferred"), "\(command): \(r.stderr)")
        }
        #expect(f.snapshot() == before)
    }

    @Test func badDataIsRefusedAndNothingStored() throws {
        let (f, data) = try Self.setUp(rows: 20)
        let narrow = f.scratch.write("narrow.csv", Array("1,2,3,4,5,1\n5,4,3,2,1,0\n".utf8))
        let wide = String(repeating: "0,", count: 64)
        let badLabel = f.scratch.write("label.csv", Array((wide + "3\n" + wide + "12\n").utf8))
        let notNumbers = f.scratch.write("text.csv", Array((wide + "3\n" + wide.replacingOccurrences(of: "0,", with: "x,") + "1\n").utf8))
        let before = f.snapshot()
        let cases: [(args: [String], message: String)] = [
            (["train", "mlp", "--data", f.scratch.path + "/missing.csv"], "does not exist"),
            (["train", "mlp", "--data", narrow], "5 features per row but the model's input is 64"),
            (["train", "mlp", "--data", badLabel], "label 12, but the model has 10 outputs"),
            (["train", "mlp", "--data", notNumbers], "not a number"),
            (["train", "mlp", "--data", data, "--val", narrow], "5 features per row"),
            (["train", "mlp", "--data", data, "--optimizer", "rmsprop"], "rmsprop"),
            (["train", "mlp", "--data", data, "--val-fraction", "1.5"], "--val-fraction"),
            (["train", "nothere", "--data", data], "nothere"),
            (["evaluate", "mlp", "--data", badLabel], "label 12"),
            (["evaluate", "mlp", "--data", narrow], "5 features per row"),
            (["predict", "mlp", "--data", narrow], "the model's input is 64"),
            (["predict", "mlp", "--data", f.scratch.path + "/missing.csv"], "does not exist"),
        ]
        for c in cases {
            let r = try Self.run(c.args + ["--zoo", f.zoo])
            // Usage errors exit 64, data and model errors 1 with `error: ...`.
            let usage = c.args.contains("--optimizer") || c.args.contains("--val-fraction")
            #expect(r.status == (usage ? 64 : 1), "\(c.args)")
            if !usage { #expect(r.stderr.hasPrefix("error: "), "\(c.args): \(r.stderr)") }
            #expect(r.stderr.contains(c.message), "\(c.args): \(r.stderr)")
        }
        #expect(f.snapshot() == before)
    }
}
