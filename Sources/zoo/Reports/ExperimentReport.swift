import Foundation

/// What every experiment writes into its output folder: the result as JSON, its charts as SVG
/// files, and one self-contained HTML page showing its tables with the charts inlined.
protocol ExperimentReport {
    /// File stem of the JSON (`transfer` -> `transfer.json`).
    var name: String { get }
    /// The result as pretty-printed, key-sorted JSON.
    func json() throws -> Data
    /// Charts as (file name, SVG document), in page order.
    func charts() -> [(file: String, svg: String)]
    /// The HTML page (tables; the charts are appended by `write`).
    func page() -> HTMLReport
}

extension ExperimentReport {
    /// Encodes a result as stable JSON: sorted keys, so the same result gives the same bytes.
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(value)
    }

    /// The full page: the tables from `page()`, then every chart inlined.
    func html() -> String {
        var report = page()
        for chart in charts() { report.chart(chart.svg) }
        return report.render()
    }

    /// Writes `NAME.json`, every chart and `index.html` into `directory` (created if missing) and
    /// returns the paths written.
    @discardableResult
    func write(to directory: URL) throws -> [URL] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var written: [URL] = []
        let jsonURL = directory.appendingPathComponent("\(name).json")
        try json().write(to: jsonURL, options: .atomic)
        written.append(jsonURL)
        for chart in charts() {
            let url = directory.appendingPathComponent(chart.file)
            try Data(chart.svg.utf8).write(to: url, options: .atomic)
            written.append(url)
        }
        let htmlURL = directory.appendingPathComponent("index.html")
        try Data(html().utf8).write(to: htmlURL, options: .atomic)
        written.append(htmlURL)
        return written
    }
}

/// Formats shared by the reports' tables.
enum ReportFormat {
    /// `0.934 ± 0.012`.
    static func meanStd(_ mean: Double, _ std: Double) -> String {
        String(format: "%.3f ± %.3f", mean, std)
    }
    /// A fraction with three decimals.
    static func fraction(_ v: Double) -> String { String(format: "%.3f", v) }
    /// A rate in scientific notation.
    static func rate(_ v: Double) -> String { String(format: "%.2e", v) }
    /// Seconds with two decimals.
    static func seconds(_ v: Double) -> String { String(format: "%.2f s", v) }
}
