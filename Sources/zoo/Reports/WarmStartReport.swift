import Foundation
import ZooTrain

/// The warm-start search's report: per trial and in total, epochs and time to the target accuracy
/// for both strategies, as tables and a chart of epochs to target per trial.
struct WarmStartReport: ExperimentReport {
    var result: WarmStartResult
    var name: String { "warmstart" }

    func json() throws -> Data { try Self.encode(result) }

    /// One row per grid point: lr, wd, then epochs / seconds to target for each strategy.
    func trialTable() -> (headers: [String], rows: [[String]]) {
        let strategies = WarmStartResult.Strategy.allCases
        let headers = ["trial", "lr", "weight decay"] + strategies.flatMap { ["\($0.rawValue): epochs", "\($0.rawValue): time", "\($0.rawValue): final acc"] }
        let count = result.learningRates.count * result.weightDecays.count
        let rows = (0..<count).map { i -> [String] in
            let any = result.trials.first { $0.index == i }
            var row = ["\(i)", any.map { ReportFormat.rate($0.learningRate) } ?? "-", any.map { String($0.weightDecay) } ?? "-"]
            for s in strategies {
                let t = result.trials.first { $0.strategy == s && $0.index == i }
                row.append(t?.epochsToTarget.map(String.init) ?? "not reached")
                row.append(t?.secondsToTarget.map(ReportFormat.seconds) ?? "-")
                row.append(t.map { ReportFormat.fraction($0.finalAccuracy) } ?? "-")
            }
            return row
        }
        return (headers, rows)
    }

    /// One row per strategy: totals over the grid.
    func summaryTable() -> (headers: [String], rows: [[String]]) {
        (["strategy", "reached target", "total epochs to target", "forward samples to target", "total time to target", "best accuracy",
          "forward samples", "total time"],
         result.summaries.map { s in
             [s.strategy.rawValue, "\(s.reached)/\(s.trials)", "\(s.totalEpochsToTarget)", "\(s.totalForwardSamplesToTarget)",
              ReportFormat.seconds(s.totalSecondsToTarget), ReportFormat.fraction(s.bestAccuracy), "\(s.totalForwardSamples)",
              ReportFormat.seconds(s.totalSeconds)]
         })
    }

    func charts() -> [(file: String, svg: String)] {
        var chart = SVGChart(title: "Epochs to reach \(ReportFormat.fraction(result.target)) validation accuracy",
                             xLabel: "trial (grid order)", yLabel: "epochs to target (missing: not reached)")
        for s in WarmStartResult.Strategy.allCases {
            let trials = result.trials.filter { $0.strategy == s }
            chart.series.append(.init(label: s == .warm ? "from best earlier trial" : "from pretrained",
                                      points: trials.map { (Double($0.index), $0.epochsToTarget.map(Double.init) ?? .nan) }))
        }
        return [(file: "warmstart-epochs.svg", svg: chart.render())]
    }

    func page() -> HTMLReport {
        var page = HTMLReport(title: "Warm-start search: can a previous run speed up the next?")
        page.paragraph("Grid of \(result.learningRates.count) learning rates × \(result.weightDecays.count) weight decays, \(result.epochs) epochs per trial, target validation accuracy \(ReportFormat.fraction(result.target)); epoch 0 means the starting weights already reached it. Forward samples count every sample the backbone ran on (training and validation); features from the cache count once, when computed.")
        let s = summaryTable()
        page.table(headers: s.headers, rows: s.rows)
        let t = trialTable()
        page.table(headers: t.headers, rows: t.rows)
        return page
    }
}
