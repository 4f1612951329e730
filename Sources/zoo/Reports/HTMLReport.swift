/// A single self-contained HTML page (no scripts, no external files) that shows an experiment's
/// tables and inlines its SVG charts.
struct HTMLReport {
    private enum Section {
        case heading(String)
        case paragraph(String)
        case table(headers: [String], rows: [[String]])
        case chart(svg: String)
    }

    /// Page title and top heading.
    var title: String
    private var sections: [Section] = []

    /// An empty page.
    init(title: String) { self.title = title }

    /// Appends a second-level heading.
    mutating func heading(_ text: String) { sections.append(.heading(text)) }
    /// Appends a paragraph of plain text (escaped).
    mutating func paragraph(_ text: String) { sections.append(.paragraph(text)) }
    /// Appends a table; every cell is escaped.
    mutating func table(headers: [String], rows: [[String]]) { sections.append(.table(headers: headers, rows: rows)) }
    /// Inlines an SVG document (its XML declaration is dropped: it is not allowed inside HTML).
    mutating func chart(_ svg: String) {
        let body = svg.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix("<?xml") }
            .joined(separator: "\n")
        sections.append(.chart(svg: body))
    }

    /// The page as HTML text.
    func render() -> String {
        let e = SVGChart.escape
        var out = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(e(title))</title>
        <style>
        body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}
        table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}
        th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}figure{margin:1em 0}
        </style></head><body>
        <h1>\(e(title))</h1>

        """
        for section in sections {
            switch section {
            case .heading(let text): out += "<h2>\(e(text))</h2>\n"
            case .paragraph(let text): out += "<p>\(e(text))</p>\n"
            case .table(let headers, let rows):
                out += "<table><tr>" + headers.map { "<th>\(e($0))</th>" }.joined() + "</tr>\n"
                for row in rows { out += "<tr>" + row.map { "<td>\(e($0))</td>" }.joined() + "</tr>\n" }
                out += "</table>\n"
            case .chart(let svg): out += "<figure>\n\(svg)</figure>\n"
            }
        }
        return out + "</body></html>\n"
    }
}
