import Foundation
import ZooTrain

/// The learning-rate range test's report: smoothed loss against rate on a log axis, the suggested
/// rate marked, and a table of the suggestion and its alternatives.
struct LearningRateReport: ExperimentReport {
    var result: LearningRateFinderResult
    var name: String { "lr-find" }

    func json() throws -> Data { try Self.encode(result) }

    /// The suggestion and the alternatives it was chosen from.
    func table() -> (headers: [String], rows: [[String]]) {
        (["quantity", "learning rate"],
         [["suggested (\(result.suggestionRule))", ReportFormat.rate(result.suggested)],
          ["steepest descent", result.steepest.map(ReportFormat.rate) ?? "-"],
          ["minimum loss", ReportFormat.rate(result.minimumLoss)],
          ["minimum / 10", ReportFormat.rate(result.minimumOverTen)]])
    }

    func charts() -> [(file: String, svg: String)] {
        var chart = SVGChart(title: "Learning-rate range test", xLabel: "learning rate (log scale)",
                             yLabel: "training loss", logX: true)
        chart.series.append(.init(label: "smoothed loss", points: result.points.map { ($0.learningRate, $0.smoothedLoss) }))
        // The raw batch losses are in the JSON; their spike at divergence would squash the curve.
        chart.markers.append((x: result.suggested, label: "suggested \(ReportFormat.rate(result.suggested))"))
        return [(file: "lr-find.svg", svg: chart.render())]
    }

    func page() -> HTMLReport {
        var page = HTMLReport(title: "Learning-rate range test")
        page.paragraph("""
            \(result.points.count) steps from \(ReportFormat.rate(result.startRate)) towards \(ReportFormat.rate(result.endRate)), \
            stopped: \(result.stopReason); loss smoothed with β = \(result.smoothing), divergence at \(result.divergenceFactor)× the best.
            """)
        let t = table()
        page.table(headers: t.headers, rows: t.rows)
        return page
    }
}
