import Foundation
import Testing

/// `zoo experiment depth` end to end: cut points 0 and 2 of the 3-layer MLP, 2 seeds, 2 epochs.
@Suite struct ExperimentDepthCommandTests {
    @Test func reportsAccuracyPerCutPoint() throws {
        let x = try ExperimentFixture()
        let out = x.scratch.path + "/depth"
        let r = try x.run(["experiment", "depth", "mlp", "--data", x.train, "--test", x.test, "--cuts", "0,2", "--seeds", "2",
                           "--epochs", "2", "--lr", "0.01", "--out", out])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        let header = try #require(lines.firstIndex { $0.hasPrefix("layers kept") })
        #expect(lines[header + 1].hasPrefix("0 ") && lines[header + 1].contains("input") && lines[header + 1].contains("64"))
        #expect(lines[header + 2].hasPrefix("2 ") && lines[header + 2].contains("16") && lines[header + 2].contains(" ± "))
        #expect(ExperimentFixture.files(out) == ["depth-accuracy.svg", "depth.json", "index.html"])

        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/depth.json"))) as? [String: Any])
        let points = try #require(json["points"] as? [[String: Any]])
        #expect(points.compactMap { $0["keptLayers"] as? Int } == [0, 2])
        #expect(points.allSatisfy { ($0["accuracies"] as? [Double])?.count == 2 })
        try ExperimentFixture.expectChart(out + "/depth-accuracy.svg", texts: ["pretrained layers kept", "test accuracy", "frozen backbone + new head"])
        #expect(try String(contentsOfFile: out + "/index.html", encoding: .utf8).contains("<svg"))
    }

    @Test func refusesCutPointsPastTheEndAndBadLists() throws {
        let x = try ExperimentFixture()
        let out = x.scratch.path + "/bad"
        var r = try x.run(["experiment", "depth", "mlp", "--data", x.train, "--test", x.test, "--cuts", "0,9", "--out", out])
        #expect(r.status == 1)
        #expect(r.stderr.contains("has 3 layers"), "\(r.stderr)")
        r = try x.run(["experiment", "depth", "mlp", "--data", x.train, "--test", x.test, "--cuts", "0,-1", "--out", out])
        #expect(r.status == 64)
        r = try x.run(["experiment", "depth", "mlp", "--data", x.train, "--test", x.scratch.path + "/none.csv", "--out", out])
        #expect(r.status == 1)
        #expect(r.stderr.contains("test file"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
