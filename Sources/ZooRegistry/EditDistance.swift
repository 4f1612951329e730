/// Levenshtein distance, for "did you mean" lists of close references.
enum EditDistance {
    static func between(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        var current = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            current[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[y.count]
    }

    /// Up to `limit` candidates within a distance that grows with the length of `text`, closest first.
    static func closest(to text: String, among candidates: [String], limit: Int = 5) -> [String] {
        let budget = max(2, text.count / 3)
        let scored = Set(candidates).compactMap { c -> (Int, String)? in
            let d = between(text, c)
            return d <= budget ? (d, c) : nil
        }
        return scored.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }.prefix(limit).map(\.1)
    }
}
