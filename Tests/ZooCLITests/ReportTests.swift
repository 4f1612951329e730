import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import ZooTrain
@testable import zoo

/// Parses an XML document and collects what the tests check: the root element, every element
/// name, and the character data of every `<text>` element.
final class SVGProbe: NSObject, XMLParserDelegate {
    var root: String?
    var elements: [String] = []
    var texts: [String] = []
    private var current: String?

    /// Parses `xml`; false when it is not well-formed.
    static func parse(_ xml: String) -> SVGProbe? {
        let probe = SVGProbe()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = probe
        return parser.parse() ? probe : nil
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if root == nil { root = name }
        elements.append(name)
        if name == "text" { current = "" }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if current != nil { current? += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text", let c = current { texts.append(c); current = nil }
    }
}

/// Hand-built results (no training): the reports are checked on known content.
enum ReportFixtures {
    static func transfer() -> TransferResult {
        var runs: [TransferResult.Run] = []
        var cells: [TransferResult.Cell] = []
        for (r, regime) in TransferRegime.allCases.enumerated() {
            for size in [5, 20] {
                let accs = [0.5 + 0.1 * Double(r) + Double(size) / 100, 0.52 + 0.1 * Double(r) + Double(size) / 100]
                let these = accs.enumerated().map { i, a in
                    TransferResult.Run(regime: regime, sizePerClass: size, seed: UInt64(i + 1), testAccuracy: a, testLoss: 1 - a,
                                       curve: [a / 2, a], seconds: 0.1)
                }
                runs += these
                cells.append(.init(regime: regime, sizePerClass: size, accuracy: SummaryStatistics(accs),
                                   meanCurve: SummaryStatistics.meanCurve(these.map(\.curve))))
            }
        }
        return TransferResult(classes: 5, sizesPerClass: [5, 20], seeds: [1, 2], regimes: TransferRegime.allCases, epochs: 2,
                              testCount: 100, curvesOnTestSet: true, runs: runs, cells: cells, seconds: 1.5)
    }

    static func lrFind() -> LearningRateFinderResult {
        let points = (0..<20).map { i -> LearningRateFinderResult.Point in
            let lr = 1e-5 * pow(10, Double(i) / 4)
            let loss = 2 - Double(min(i, 14)) * 0.1 + (i > 14 ? Double(i - 14) : 0)
            return .init(step: i, learningRate: lr, loss: loss, smoothedLoss: loss)
        }
        return LearningRateFinderResult(points: points, stopReason: "diverged", suggested: 3e-3, suggestionRule: "minimum/10",
                                        steepest: 1e-3, minimumLoss: 3e-2, minimumOverTen: 3e-3, startRate: 1e-5, endRate: 1,
                                        smoothing: 0.98, divergenceFactor: 4)
    }
}

@Suite struct ReportTests {
    @Test func chartIsValidSVGWithAxisLabelsLegendAndEscapedText() throws {
        var chart = SVGChart(title: "A < B & C", xLabel: "size \"n\"", yLabel: "accuracy")
        chart.series.append(.init(label: "pretrained <frozen>", points: [(1, 0.5), (2, 0.7), (4, .nan)], spread: [0.1, 0.05, 0]))
        chart.series.append(.init(label: "scratch", points: [(1, 0.3), (2, 0.4)]))
        let probe = try #require(SVGProbe.parse(chart.render()))
        #expect(probe.root == "svg")
        for label in ["A < B & C", "size \"n\"", "accuracy", "pretrained <frozen>", "scratch"] {
            #expect(probe.texts.contains(label), "missing text \(label)")
        }
        #expect(probe.elements.filter { $0 == "polyline" }.count == 2)
        // A long legend label widens the document instead of being cut off.
        var long = chart
        long.series[1].label = String(repeating: "x", count: 60)
        let svg = long.render()
        let widthAttribute = try #require(svg.firstRange(of: "width=\"")).upperBound
        let widthText = svg[widthAttribute...].prefix { $0.isNumber }
        // 50 px plus 7 px a character for the legend column, instead of the default 160.
        #expect(Int(widthText) == 640 + (50 + 7 * 60) - 160)
        // Two error bars of the first series, each a line (besides axes, ticks and legend lines).
        let lines = probe.elements.filter { $0 == "line" }.count
        var plain = chart
        plain.series[0].spread = nil
        #expect(lines - (SVGProbe.parse(plain.render())?.elements.filter { $0 == "line" }.count ?? 0) == 2)
    }

    @Test func logAxisTicksArePowersOfTenAndMarkersAreLabelled() throws {
        let report = LearningRateReport(result: ReportFixtures.lrFind())
        let charts = report.charts()
        #expect(charts.map(\.file) == ["lr-find.svg"])
        let probe = try #require(SVGProbe.parse(charts[0].svg))
        #expect(probe.texts.contains("learning rate (log scale)"))
        #expect(probe.texts.contains("training loss"))
        #expect(probe.texts.contains("smoothed loss"))
        #expect(probe.texts.contains("suggested 3.00e-03"))
        // 1e-5 ... 1e-0.25: decades 1e-5 to 1e-1 get ticks.
        for tick in ["1e-05", "1e-04", "0.001", "0.01", "0.1"] { #expect(probe.texts.contains(tick), "missing tick \(tick)") }
    }

    @Test func transferReportHasTableChartsAndJSON() throws {
        let result = ReportFixtures.transfer()
        let report = TransferReport(result: result)
        let table = report.table()
        #expect(table.headers == ["per class"] + TransferRegime.allCases.map(\.title))
        #expect(table.rows.count == 2)
        #expect(table.rows[0][0] == "5")
        #expect(table.rows[0][1] == ReportFormat.meanStd(0.56, 0.02 / 2.0.squareRoot()))
        let charts = report.charts()
        #expect(charts.map(\.file) == ["transfer-accuracy.svg", "transfer-curves-5.svg", "transfer-curves-20.svg"])
        for chart in charts {
            let probe = try #require(SVGProbe.parse(chart.svg))
            for regime in TransferRegime.allCases { #expect(probe.texts.contains(regime.title)) }
        }
        let accuracy = try #require(SVGProbe.parse(charts[0].svg))
        #expect(accuracy.texts.contains("training examples per class (log scale)"))
        // Sizes 5 and 20 on a log axis: ticks at 5, 10 and 20.
        for tick in ["5", "10", "20"] { #expect(accuracy.texts.contains(tick), "missing tick \(tick)") }
        #expect(accuracy.texts.contains("test accuracy (mean ± std over 2 seeds)"))
        let decoded = try JSONDecoder().decode(TransferResult.self, from: report.json())
        #expect(decoded == result)
    }

    @Test func htmlInlinesEveryChartAndWriteProducesTheFiles() throws {
        let report = TransferReport(result: ReportFixtures.transfer())
        let html = report.html()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("<?xml"))
        // Each inlined SVG is itself well-formed and carries its chart's title.
        var inlined: [String] = []
        var rest = html[...]
        while let open = rest.range(of: "<svg"), let close = rest.range(of: "</svg>", range: open.upperBound..<rest.endIndex) {
            inlined.append(String(rest[open.lowerBound..<close.upperBound]))
            rest = rest[close.upperBound...]
        }
        #expect(inlined.count == report.charts().count)
        for svg in inlined { #expect(SVGProbe.parse(svg)?.root == "svg") }
        #expect(html.contains("<th>per class</th>"))
        #expect(html.contains("Learning curves, 20 per class"))

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-report-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let written = try report.write(to: directory)
        #expect(written.map(\.lastPathComponent) == ["transfer.json", "transfer-accuracy.svg", "transfer-curves-5.svg", "transfer-curves-20.svg", "index.html"])
        #expect(try String(contentsOf: directory.appendingPathComponent("index.html"), encoding: .utf8) == html)
        let json = try Data(contentsOf: directory.appendingPathComponent("transfer.json"))
        #expect(try JSONDecoder().decode(TransferResult.self, from: json) == report.result)
    }

    @Test func depthAndWarmStartReportsRenderValidCharts() throws {
        let depth = DepthResult(sizePerClass: 10, seeds: [1, 2], epochs: 3, points: [
            .init(keptLayers: 0, lastLayer: "input", featureShape: [64], accuracy: SummaryStatistics([0.6, 0.62]), accuracies: [0.6, 0.62]),
            .init(keptLayers: 2, lastLayer: "1", featureShape: [32], accuracy: SummaryStatistics([0.8, 0.84]), accuracies: [0.8, 0.84]),
        ], seconds: 1)
        let d = DepthReport(result: depth)
        #expect(d.table().rows == [["0", "input", "64", "0.610 ± 0.014"], ["2", "1", "32", "0.820 ± 0.028"]])
        let dp = try #require(SVGProbe.parse(d.charts()[0].svg))
        #expect(dp.texts.contains("pretrained layers kept"))
        #expect(dp.texts.contains("frozen backbone + new head"))

        func trial(_ s: WarmStartResult.Strategy, _ i: Int, _ epochs: Int?) -> WarmStartResult.Trial {
            .init(strategy: s, index: i, learningRate: 1e-3, weightDecay: 0, startedFrom: nil, initialAccuracy: 0.2, curve: [0.5, 0.9],
                  epochsToTarget: epochs, secondsToTarget: epochs.map { Double($0) }, seconds: 2, finalAccuracy: 0.9, bestAccuracy: 0.9)
        }
        let warm = WarmStartResult(target: 0.8, epochs: 2, learningRates: [1e-3, 1e-2], weightDecays: [0],
                                   trials: [trial(.pretrained, 0, 2), trial(.pretrained, 1, nil), trial(.warm, 0, 2), trial(.warm, 1, 0)],
                                   summaries: [])
        let w = WarmStartReport(result: warm)
        let rows = w.trialTable().rows
        #expect(rows.count == 2)
        #expect(rows[1][3] == "not reached")
        #expect(rows[1][6] == "0")
        let wp = try #require(SVGProbe.parse(w.charts()[0].svg))
        #expect(wp.texts.contains("from best earlier trial"))
        #expect(wp.texts.contains("from pretrained"))
        #expect(wp.texts.contains("trial (grid order)"))
    }
}
