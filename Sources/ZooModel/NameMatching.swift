// Name comparisons for layer ordering and "did you mean" suggestions.

/// String order where runs of digits compare as numbers (`layer2` < `layer10`).
func naturalLess(_ a: String, _ b: String) -> Bool {
    var i = a.unicodeScalars.makeIterator(), j = b.unicodeScalars.makeIterator()
    var ca = i.next(), cb = j.next()
    func isDigit(_ c: Unicode.Scalar?) -> Bool { c.map { $0.value >= 48 && $0.value <= 57 } ?? false }
    while let x = ca, let y = cb {
        if isDigit(x) && isDigit(y) {
            var da = "", db = ""
            while let c = ca, isDigit(c) { da.unicodeScalars.append(c); ca = i.next() }
            while let c = cb, isDigit(c) { db.unicodeScalars.append(c); cb = j.next() }
            let ta = da.drop { $0 == "0" }, tb = db.drop { $0 == "0" }
            if ta.count != tb.count { return ta.count < tb.count }
            if ta != tb { return ta < tb }
            continue
        }
        if x != y { return x.value < y.value }
        ca = i.next(); cb = j.next()
    }
    return ca == nil && cb != nil
}

/// Levenshtein distance over Unicode scalars.
func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var prev = Array(0...y.count)
    var cur = [Int](repeating: 0, count: y.count + 1)
    for i in 1...x.count {
        cur[0] = i
        for j in 1...y.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
        }
        swap(&prev, &cur)
    }
    return prev[y.count]
}
