import Foundation
import Testing

/// `zoo experiment transfer` end to end on a tiny budget: 2 sizes × 2 seeds × 4 regimes, 2 epochs.
@Suite struct ExperimentTransferCommandTests {
    @Test func runsEveryRegimeAndWritesJSONChartsAndPage() throws {
        let x = try ExperimentFixture()
        let out = x.scratch.path + "/transfer"
        let r = try x.run(["experiment", "transfer", "mlp", "--data", x.train, "--test", x.test, "--sizes", "1,2", "--seeds", "2",
                           "--epochs", "2", "--lr", "0.01", "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        // The table: a header with the four regimes, one row per size with mean ± std.
        let lines = r.stdout.split(separator: "\n").map(String.init)
        let header = try #require(lines.firstIndex { $0.hasPrefix("per class") })
        #expect(lines[header].contains("frozen backbone") && lines[header].contains("fine-tuned")
                && lines[header].contains("linear probe then fine-tune") && lines[header].contains("scratch"))
        for (i, size) in ["1", "2"].enumerated() {
            let row = lines[header + 1 + i]
            #expect(row.hasPrefix(size + " "))
            #expect(row.components(separatedBy: " ± ").count == 5, "\(row)")
        }
        #expect(ExperimentFixture.files(out) == ["index.html", "transfer-accuracy.svg", "transfer-curves-1.svg", "transfer-curves-2.svg", "transfer.json"])
        for name in ExperimentFixture.files(out) { #expect(r.stdout.contains(out + "/" + name)) }

        // JSON: regimes × sizes cells, every run, curves of 2 epochs (LP-FT: 2 of probe, 2 of fine-tuning).
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/transfer.json"))) as? [String: Any])
        #expect(json["regimes"] as? [String] == ["frozen", "finetune", "lpft", "scratch"])
        #expect(json["sizesPerClass"] as? [Int] == [1, 2])
        let cells = try #require(json["cells"] as? [[String: Any]])
        #expect(cells.count == 8)
        let pairs = Set(cells.compactMap { c in (c["regime"] as? String).flatMap { r in (c["sizePerClass"] as? Int).map { "\(r)-\($0)" } } })
        #expect(pairs == ["frozen-1", "frozen-2", "finetune-1", "finetune-2", "lpft-1", "lpft-2", "scratch-1", "scratch-2"])
        let runs = try #require(json["runs"] as? [[String: Any]])
        #expect(runs.count == 16)
        #expect(runs.allSatisfy { ($0["curve"] as? [Double])?.count == (($0["regime"] as? String) == "lpft" ? 4 : 2) })
        #expect(json["probeEpochs"] as? Int == 2 && json["fineTuneRateFactor"] as? Double == 0.1)
        #expect(runs.allSatisfy { (($0["testAccuracy"] as? Double) ?? -1) >= 0 && (($0["testAccuracy"] as? Double) ?? 2) <= 1 })

        try ExperimentFixture.expectChart(out + "/transfer-accuracy.svg",
                                          texts: ["training examples per class", "test accuracy", "pretrained, frozen backbone",
                                                  "pretrained, fine-tuned", "random init (scratch)"])
        try ExperimentFixture.expectChart(out + "/transfer-curves-2.svg", texts: ["epoch", "test accuracy", "random init (scratch)"])
        let html = try String(contentsOfFile: out + "/index.html", encoding: .utf8)
        #expect(html.components(separatedBy: "<svg").count == 4)
        #expect(html.contains("<table>"))
    }

    @Test func jsonOutputCarriesTheResultAndTheFiles() throws {
        let x = try ExperimentFixture()
        let out = x.scratch.path + "/t"
        let r = try x.run(["experiment", "transfer", "mlp", "--data", x.train, "--test", x.test, "--sizes", "2", "--seeds", "1",
                           "--epochs", "1", "--out", out, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try ExperimentFixture.json(r)
        #expect((o["files"] as? [String])?.count == 4)
        #expect(((o["result"] as? [String: Any])?["runs"] as? [Any])?.count == 4)
    }

    @Test func badInputIsRefusedAndNothingIsWritten() throws {
        let x = try ExperimentFixture()
        let out = x.scratch.path + "/bad"
        let base = ["--test", x.test, "--seeds", "1", "--epochs", "1", "--out", out]
        let narrow = x.scratch.write("narrow.csv", Array("1,2,3,0\n4,5,6,1\n".utf8))
        // A model with inferred layers (imported safetensors): stored, but not runnable.
        try x.f.writeBert(to: x.scratch.path + "/bert.safetensors")
        let imported = try x.run(["import", x.scratch.path + "/bert.safetensors", "bert"])
        #expect(imported.status == 0, "\(imported.stderr)")
        let cases: [([String], Int32, String)] = [
            (["experiment", "transfer", "nope", "--data", x.train] + base, 1, "nope"),
            (["experiment", "transfer", "bert", "--data", x.train] + base, 1, "cannot be run by the trainer"),
            (["experiment", "transfer", "mlp", "--data", x.scratch.path + "/missing.csv"] + base, 1, "does not exist"),
            (["experiment", "transfer", "mlp", "--data", narrow] + base, 1, "3 features per row"),
            (["experiment", "transfer", "mlp", "--data", x.train, "--sizes", "1,x"] + base, 64, "'x' is not a whole number"),
            (["experiment", "transfer", "mlp", "--data", x.train, "--sizes", "0"] + base, 64, "of 1 or more"),
            (["experiment", "transfer", "mlp", "--data", x.train, "--sizes", "7"] + base, 1, "has only 6"),
            (["experiment", "transfer", "mlp", "--data", x.train, "--optimizer", "rmsprop"] + base, 64, "rmsprop"),
            (["experiment", "transfer", "mlp", "--data", x.train, "--regimes", "frozen,linear"] + base, 64, "'linear' is not a regime"),
            (["experiment", "transfer", "mlp", "--data", x.train, "--probe-epochs", "0"] + base, 64, "--probe-epochs"),
            (["experiment", "transfer", "mlp", "--data", x.train] + base.dropLast(2) + ["--out", x.train], 64, "is a file"),
        ]
        for (args, status, message) in cases {
            let r = try x.run(args)
            #expect(r.status == status, "\(args): \(r.stderr)")
            #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
            #expect(r.stdout.isEmpty || !r.stdout.contains("wrote"))
        }
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
