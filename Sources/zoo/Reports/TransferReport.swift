import Foundation
import ZooTrain

/// The transfer experiment's report: a table of test accuracy (mean ± std over seeds) per regime
/// and training-set size, accuracy against size with spread bars, and the learning curves.
struct TransferReport: ExperimentReport {
    var result: TransferResult
    var name: String { "transfer" }

    func json() throws -> Data { try Self.encode(result) }

    /// Header and rows: one row per size, one column per regime.
    func table() -> (headers: [String], rows: [[String]]) {
        let headers = ["per class"] + result.regimes.map(\.title)
        let rows = result.sizesPerClass.map { size in
            ["\(size)"] + result.regimes.map { regime in
                result.cell(regime, size: size).map { ReportFormat.meanStd($0.accuracy.mean, $0.accuracy.std) } ?? "-"
            }
        }
        return (headers, rows)
    }

    func charts() -> [(file: String, svg: String)] {
        // Sizes are usually geometric (1, 2, 5, 10, ...): a log axis spreads the small ones out.
        var accuracy = SVGChart(title: "Test accuracy vs training-set size", xLabel: "training examples per class (log scale)",
                                yLabel: "test accuracy (mean ± std over \(result.seeds.count) seeds)", logX: true)
        for regime in result.regimes {
            let cells = result.sizesPerClass.compactMap { result.cell(regime, size: $0) }
            accuracy.series.append(.init(label: regime.title,
                                         points: cells.map { (Double($0.sizePerClass), $0.accuracy.mean) },
                                         spread: cells.map(\.accuracy.std)))
        }
        var out = [(file: "transfer-accuracy.svg", svg: accuracy.render())]
        for size in result.sizesPerClass {
            var curves = SVGChart(title: "Learning curves, \(size) per class", xLabel: "epoch",
                                  yLabel: result.curvesOnTestSet ? "test accuracy (mean over seeds)" : "validation accuracy (mean over seeds)")
            for regime in result.regimes {
                guard let cell = result.cell(regime, size: size) else { continue }
                curves.series.append(.init(label: regime.title,
                                           points: cell.meanCurve.enumerated().map { (Double($0.offset + 1), $0.element) }))
            }
            out.append((file: "transfer-curves-\(size).svg", svg: curves.render()))
        }
        return out
    }

    func page() -> HTMLReport {
        var page = HTMLReport(title: "Transfer experiment: architecture or weights?")
        page.paragraph("""
            \(result.classes) target classes, \(result.epochs) epochs per run, seeds \(result.seeds.map(String.init).joined(separator: ", ")), \
            \(result.testCount) test examples, \(result.runs.count) runs in \(ReportFormat.seconds(result.seconds)). \
            Test accuracy, mean ± sample std over seeds.
            """)
        let t = table()
        page.table(headers: t.headers, rows: t.rows)
        return page
    }
}
