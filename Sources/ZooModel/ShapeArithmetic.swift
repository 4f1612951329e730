// Shape helpers shared by shape inference, initialisation and messages.

/// `[1, 8, 8]` as people read it in messages.
func shapeText(_ shape: [Int]) -> String {
    "[" + shape.map(String.init).joined(separator: ", ") + "]"
}

/// Product of the dimensions, or an error when it overflows.
func elementCount(_ shape: [Int], _ fail: (String) -> ModelError) throws(ModelError) -> Int {
    var n = 1
    for d in shape {
        let (m, o) = n.multipliedReportingOverflow(by: d)
        guard !o else { throw fail("the element count overflows") }
        n = m
    }
    return n
}
