import Foundation
import ZooTrain

/// The depth experiment's report: test accuracy against layers kept, as a table and a chart.
struct DepthReport: ExperimentReport {
    var result: DepthResult
    var name: String { "depth" }

    func json() throws -> Data { try Self.encode(result) }

    /// One row per cut point.
    func table() -> (headers: [String], rows: [[String]]) {
        (["layers kept", "last layer", "features", "test accuracy"],
         result.points.map { p in
             ["\(p.keptLayers)", p.lastLayer, p.featureShape.map(String.init).joined(separator: "x"),
              ReportFormat.meanStd(p.accuracy.mean, p.accuracy.std)]
         })
    }

    func charts() -> [(file: String, svg: String)] {
        var chart = SVGChart(title: "Test accuracy vs depth of the frozen backbone", xLabel: "pretrained layers kept",
                             yLabel: "test accuracy (mean ± std over \(result.seeds.count) seeds)")
        chart.series.append(.init(label: "frozen backbone + new head",
                                  points: result.points.map { (Double($0.keptLayers), $0.accuracy.mean) },
                                  spread: result.points.map(\.accuracy.std)))
        return [(file: "depth-accuracy.svg", svg: chart.render())]
    }

    func page() -> HTMLReport {
        var page = HTMLReport(title: "Depth experiment: how much of the network do I need?")
        let size = result.sizePerClass.map { "\($0) examples per class" } ?? "the whole training set"
        page.paragraph("Head trained on a frozen backbone cut after N layers; \(size), \(result.epochs) epochs, \(result.seeds.count) seeds, \(ReportFormat.seconds(result.seconds)).")
        let t = table()
        page.table(headers: t.headers, rows: t.rows)
        return page
    }
}
