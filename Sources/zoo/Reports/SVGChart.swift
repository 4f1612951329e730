import Foundation

/// A line chart rendered as a self-contained SVG document: labelled axes with ticks, a legend,
/// optional error bars (mean ± spread) and an optional logarithmic x axis (for learning rates).
struct SVGChart {
    /// One line of the chart.
    struct Series {
        /// Legend text.
        var label: String
        /// Data points in drawing order; non-finite ones are skipped (a gap, such as "not reached").
        var points: [(x: Double, y: Double)]
        /// Half-width of the error bar at each point (same count as `points`), if any.
        var spread: [Double]?
    }

    /// Heading above the plot (also the SVG's `<title>`).
    var title: String
    /// Label under the x axis.
    var xLabel: String
    /// Label beside the y axis.
    var yLabel: String
    /// The lines, in legend order.
    var series: [Series] = []
    /// Vertical lines marking special x values (the suggested learning rate), each with a label.
    var markers: [(x: Double, label: String)] = []
    /// Whether the x axis is logarithmic (base 10, ticks at whole decades).
    var logX = false
    /// Document width in pixels.
    var width = 640.0
    /// Document height in pixels.
    var height = 400.0

    private static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]

    /// An empty chart with its title and axis labels.
    init(title: String, xLabel: String, yLabel: String, logX: Bool = false) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.logX = logX
    }

    /// The SVG document as text (valid XML: every label is escaped).
    func render() -> String {
        // The legend column grows with the longest label (about 7 px a character at 12 px), and
        // the document with it, so labels are never cut off.
        let longest = Double(series.map(\.label.count).max() ?? 0)
        let left = 70.0, right = max(160, 50 + 7 * longest), top = 40.0, bottom = 55.0
        let width = self.width + right - 160
        let plotW = width - left - right, plotH = height - top - bottom
        let tx: (Double) -> Double = { x in logX ? log10(max(x, 1e-300)) : x }
        let xs = series.flatMap { $0.points.map { tx($0.x) } }.filter(\.isFinite)
        var ys: [Double] = []
        for s in series {
            for (i, p) in s.points.enumerated() where p.y.isFinite {
                let e = s.spread.map { i < $0.count ? $0[i] : 0 } ?? 0
                ys.append(p.y - e)
                ys.append(p.y + e)
            }
        }
        var (x0, x1) = (xs.min() ?? 0, xs.max() ?? 1)
        var (y0, y1) = (ys.min() ?? 0, ys.max() ?? 1)
        if x1 <= x0 { x0 -= 0.5; x1 += 0.5 }
        if y1 <= y0 { y0 -= 0.5; y1 += 0.5 }
        let yPad = (y1 - y0) * 0.05
        y0 -= yPad
        y1 += yPad
        func px(_ x: Double) -> Double { left + (tx(x) - x0) / (x1 - x0) * plotW }
        func py(_ y: Double) -> Double { top + (1 - (y - y0) / (y1 - y0)) * plotH }
        func f(_ v: Double) -> String { String(format: "%.2f", v) }

        var out = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
        <title>\(Self.escape(title))</title>
        <rect x="0" y="0" width="\(Int(width))" height="\(Int(height))" fill="white"/>
        <text x="\(f(left + plotW / 2))" y="22" text-anchor="middle" font-size="15" font-weight="bold">\(Self.escape(title))</text>

        """
        // Axes and ticks.
        out += "<g stroke=\"#333\" stroke-width=\"1\">"
        out += "<line x1=\"\(f(left))\" y1=\"\(f(top + plotH))\" x2=\"\(f(left + plotW))\" y2=\"\(f(top + plotH))\"/>"
        out += "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(top + plotH))\"/></g>\n"
        for t in Self.ticks(x0, x1, log: logX) {
            let x = left + (t - x0) / (x1 - x0) * plotW
            let label = logX ? Self.format(pow(10, t)) : Self.format(t)
            out += "<line x1=\"\(f(x))\" y1=\"\(f(top + plotH))\" x2=\"\(f(x))\" y2=\"\(f(top + plotH + 5))\" stroke=\"#333\"/>"
            out += "<text x=\"\(f(x))\" y=\"\(f(top + plotH + 18))\" text-anchor=\"middle\">\(Self.escape(label))</text>\n"
        }
        for t in Self.ticks(y0, y1, log: false) {
            let y = py(t)
            out += "<line x1=\"\(f(left - 5))\" y1=\"\(f(y))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y))\" stroke=\"#ddd\"/>"
            out += "<text x=\"\(f(left - 8))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(Self.escape(Self.format(t)))</text>\n"
        }
        out += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 12))\" text-anchor=\"middle\">\(Self.escape(xLabel))</text>\n"
        out += "<text transform=\"translate(18 \(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(Self.escape(yLabel))</text>\n"
        for m in markers where tx(m.x).isFinite {
            let x = f(px(m.x))
            out += "<line x1=\"\(x)\" y1=\"\(f(top))\" x2=\"\(x)\" y2=\"\(f(top + plotH))\" stroke=\"#555\" stroke-dasharray=\"4 3\"/>"
            out += "<text x=\"\(f(px(m.x) + 4))\" y=\"\(f(top + 12))\" fill=\"#555\">\(Self.escape(m.label))</text>\n"
        }
        // Series, error bars and legend.
        for (i, s) in series.enumerated() {
            let color = Self.palette[i % Self.palette.count]
            let finite = s.points.enumerated().filter { $0.element.x.isFinite && $0.element.y.isFinite }
            let path = finite.map { "\(f(px($0.element.x))),\(f(py($0.element.y)))" }.joined(separator: " ")
            out += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(path)\"/>\n"
            for (j, p) in finite {
                out += "<circle cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"3\" fill=\"\(color)\"/>"
                if let spread = s.spread, j < spread.count, spread[j] > 0 {
                    let x = f(px(p.x))
                    out += "<line x1=\"\(x)\" y1=\"\(f(py(p.y - spread[j])))\" x2=\"\(x)\" y2=\"\(f(py(p.y + spread[j])))\" stroke=\"\(color)\"/>"
                }
            }
            let ly = top + 10 + Double(i) * 18
            out += "\n<line x1=\"\(f(width - right + 12))\" y1=\"\(f(ly))\" x2=\"\(f(width - right + 32))\" y2=\"\(f(ly))\" stroke=\"\(color)\" stroke-width=\"3\"/>"
            out += "<text x=\"\(f(width - right + 38))\" y=\"\(f(ly + 4))\">\(Self.escape(s.label))</text>\n"
        }
        out += "</svg>\n"
        return out
    }

    /// About five round tick values covering [lo, hi] (in log10 units when `log`: whole decades,
    /// with 2× and 5× added over short ranges).
    static func ticks(_ lo: Double, _ hi: Double, log: Bool) -> [Double] {
        if log {
            let a = Int(lo.rounded(.up)), b = Int(hi.rounded(.down))
            // Two decades or fewer (training-set sizes 1 to 50): also 2× and 5× each decade.
            if hi - lo <= 2.5 {
                let d0 = Int(lo.rounded(.down)), d1 = Int(hi.rounded(.up))
                let all = (d0...d1).flatMap { d in [1.0, 2, 5].map { log10($0) + Double(d) } }
                return all.filter { $0 >= lo - 1e-9 && $0 <= hi + 1e-9 }
            }
            return a <= b ? (a...b).map(Double.init) : [lo, hi]
        }
        let raw = (hi - lo) / 5
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2.0, 2.5, 5.0, 10.0].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var t = (lo / step).rounded(.up) * step
        var result: [Double] = []
        while t <= hi + step * 1e-9, result.count < 20 {
            result.append(abs(t) < step * 1e-9 ? 0 : t)
            t += step
        }
        return result
    }

    /// A tick label: whole numbers plainly, very large or small values in e-notation.
    static func format(_ v: Double) -> String {
        if v == 0 { return "0" }
        if abs(v) >= 1e4 || abs(v) < 1e-3 { return String(format: "%.0e", v) }
        if v == v.rounded() { return String(Int(v)) }
        return String(format: "%g", (v * 1000).rounded() / 1000)
    }

    /// Escapes text for XML character data and attribute values.
    static func escape(_ text: String) -> String {
        var s = ""
        for c in text {
            switch c {
            case "&": s += "&amp;"
            case "<": s += "&lt;"
            case ">": s += "&gt;"
            case "\"": s += "&quot;"
            default: s.append(c)
            }
        }
        return s
    }
}
