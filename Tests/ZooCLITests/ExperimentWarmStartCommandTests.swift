import Foundation
import Testing
import ZooModel
import ZooFormat

/// `zoo experiment warmstart` end to end: a 2 × 1 grid, 2 epochs, and `--save-best` lineage.
@Suite struct ExperimentWarmStartCommandTests {
    @Test func runsBothStrategiesAndStoresTheBestTrialWithItsExperiment() throws {
        let x = try ExperimentFixture()
        let out = x.scratch.path + "/ws"
        let r = try x.run(["experiment", "warmstart", "mlp:2", "--data", x.train, "--val", x.test, "--grid", "lr=1e-3,1e-2,wd=0",
                           "--target", "0.5", "--epochs", "2", "--out", out, "--save-best", "mlp-best:exp"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("strategy") && r.stdout.contains("pretrained") && r.stdout.contains("warm"))
        #expect(r.stdout.contains("stored the best trial"))
        #expect(ExperimentFixture.files(out) == ["index.html", "warmstart-epochs.svg", "warmstart.json"])
        try ExperimentFixture.expectChart(out + "/warmstart-epochs.svg", texts: ["trial (grid order)", "epochs to target", "from pretrained", "from best earlier trial"])

        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/warmstart.json"))) as? [String: Any])
        let trials = try #require(json["trials"] as? [[String: Any]])
        #expect(trials.count == 4)
        // Fine-tuning: every trial runs the whole network on the validation set, then on the
        // training and validation sets each epoch; the table totals it.
        #expect(r.stdout.contains("forward samples to target"))
        let trainRows = try String(contentsOfFile: x.train, encoding: .utf8).split(separator: "\n").count
        let valRows = try String(contentsOfFile: x.test, encoding: .utf8).split(separator: "\n").count
        #expect(trials.allSatisfy { $0["forwardSamples"] as? Int == valRows + 2 * (trainRows + valRows) })
        let best = try #require(trials.compactMap { $0["finalAccuracy"] as? Double }.max())

        // The stored version: lineage "experiment" linked to mlp:2, with the grid, data digests and summary.
        let parent = try x.f.load("mlp:2"), child = try x.f.load("mlp-best:exp")
        let lineage = try #require(child.config.model.lineage)
        #expect(lineage.operation == "experiment")
        #expect(lineage.parent == parent.version.digest.description)
        #expect(lineage.parameters["experiment"] == .string("warmstart"))
        #expect(lineage.parameters["grid"] == .object(["lr": .array([.number(1e-3), .number(1e-2)]), "wd": .array([.number(0)])]))
        let bytes = try Data(contentsOf: URL(fileURLWithPath: x.train))
        #expect(lineage.parameters["data"] == .string("sha256:" + SHA256Digest.hex([UInt8](bytes))))
        #expect(lineage.parameters["replay_matches"] == .bool(true))
        guard case .object(let b)? = lineage.parameters["best"], case .number(let acc)? = b["final_accuracy"] else {
            Issue.record("no best trial in the lineage: \(lineage.parameters)")
            return
        }
        #expect(acc == best)
        guard case .array(let summary)? = lineage.parameters["summary"] else { Issue.record("no summary"); return }
        #expect(summary.count == 2)
        // The stored model evaluates to the recorded accuracy on the validation data.
        let e = try x.run(["evaluate", "mlp-best:exp", "--data", x.test, "--json"])
        #expect(e.status == 0, "\(e.stderr)")
        let measured = try #require(try ExperimentFixture.json(e)["accuracy"] as? Double)
        #expect(abs(measured - best) < 1e-9)
    }

    @Test func refusesBadGridsAndTargets() throws {
        let x = try ExperimentFixture()
        let out = x.scratch.path + "/bad"
        let base = ["experiment", "warmstart", "mlp", "--data", x.train, "--val", x.test, "--out", out]
        let cases: [([String], Int32, String)] = [
            (base + ["--grid", "1e-3,wd=0", "--target", "0.9"], 64, "must start with lr="),
            (base + ["--grid", "lr=1e-3,mom=0.9", "--target", "0.9"], 64, "unknown parameter 'mom'"),
            (base + ["--grid", "lr=abc", "--target", "0.9"], 64, "'abc' is not a valid learning rate"),
            (base + ["--grid", "lr=1e-3", "--target", "1.5"], 64, "--target"),
            (base + ["--grid", "lr=1e-3", "--target", "0.9", "--save-best", "mlp:3"], 64, "NAME or NAME:TAG"),
        ]
        for (args, status, message) in cases {
            let r = try x.run(args)
            #expect(r.status == status, "\(args): \(r.stderr)")
            #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
