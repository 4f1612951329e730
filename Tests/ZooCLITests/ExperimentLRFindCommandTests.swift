import Foundation
import Testing

/// `zoo lr-find` end to end: a 30-step range test on the small MLP with a new head.
@Suite struct ExperimentLRFindCommandTests {
    @Test func printsTheCurveAndSuggestionAndWritesALogAxisChart() throws {
        let x = try ExperimentFixture()
        let out = x.scratch.path + "/lr"
        let r = try x.run(["lr-find", "mlp", "--data", x.train, "--new-head", "--steps", "30", "--batch", "8", "--start", "1e-4",
                           "--end", "10", "--out", out, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try ExperimentFixture.json(r)
        let result = try #require(o["result"] as? [String: Any])
        let points = try #require(result["points"] as? [[String: Any]])
        #expect(points.count >= 7 && points.count <= 30)
        let rates = points.compactMap { $0["learningRate"] as? Double }
        #expect(zip(rates, rates.dropFirst()).allSatisfy { $0 < $1 })
        #expect(abs((rates.first ?? 0) - 1e-4) < 1e-12)
        // minimum/10: the suggestion is a tenth of the rate at the smoothed loss's minimum.
        let suggested = try #require(result["suggested"] as? Double), minimum = try #require(result["minimumLoss"] as? Double)
        #expect(abs(suggested * 10 - minimum) <= 1e-12 * minimum)
        #expect((o["files"] as? [String])?.count == 3)
        try ExperimentFixture.expectChart(out + "/lr-find.svg", texts: ["learning rate (log scale)", "training loss", "smoothed loss", "suggested"])

        let t = try x.run(["lr-find", "mlp", "--data", x.train, "--new-head", "--steps", "20", "--out", out])
        #expect(t.status == 0, "\(t.stderr)")
        #expect(t.stdout.contains("smoothed loss") && t.stdout.contains("(min)") && t.stdout.contains("suggested (minimum/10)"))
    }

    @Test func refusesBadRangesAndLabelsTheModelCannotPredict() throws {
        let x = try ExperimentFixture()
        var r = try x.run(["lr-find", "mlp", "--data", x.train, "--start", "1", "--end", "0.1"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--end must be above --start"))
        let wide = x.scratch.write("seven.csv", Array((String(repeating: "1,", count: 64) + "7\n").utf8))
        r = try x.run(["lr-find", "mlp", "--data", wide, "--out", x.scratch.path + "/no"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("label 7"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: x.scratch.path + "/no"))
    }
}
