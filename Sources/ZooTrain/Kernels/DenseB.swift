/// A row-major matrix as the right factor, optionally transposed: element (p, j) of op(B) is at
/// `base[p * ld + j]`, or `base[j * ld + p]` when `transposed`.
struct DenseB: GemmOperandB {
    let base: UnsafePointer<Float>
    let ld: Int
    let transposed: Bool

    func pack<K: GemmMicroKernel>(_ kernel: K.Type, p0: Int, kc: Int, j0: Int, nc: Int, into out: UnsafeMutablePointer<Float>) {
        let nr = K.nr
        var dst = out
        var c0 = 0
        while c0 < nc {
            let cols = min(nr, nc - c0)
            if transposed {
                // op(B)[p, j] = B[j, p]: eight columns by eight rows at a time transposed in registers,
                // the rest walking each column along its contiguous row.
                var col0 = 0
                while col0 + 8 <= cols {
                    let src = base + (j0 + c0 + col0) * ld + p0
                    var p = 0
                    while p + 8 <= kc {
                        transpose8x8(src + p, ld: ld, into: dst + p * nr + col0, ldOut: nr)
                        p += 8
                    }
                    for col in col0..<(col0 + 8) {
                        for q in p..<kc { dst[q * nr + col] = src[(col - col0) * ld + q] }
                    }
                    col0 += 8
                }
                for col in col0..<cols {
                    let src = base + (j0 + c0 + col) * ld + p0
                    for p in 0..<kc { dst[p * nr + col] = src[p] }
                }
                if cols < nr { for p in 0..<kc { for col in cols..<nr { dst[p * nr + col] = 0 } } }
            } else {
                for p in 0..<kc {
                    copyRow(from: base + (p0 + p) * ld + j0 + c0, count: cols, into: dst + p * nr, width: nr)
                }
            }
            dst += kc * nr
            c0 += nr
        }
    }
}

/// Copies `count` floats and zero-fills the rest of a `width`-float packed row.
@inline(__always)
func copyRow(from src: UnsafePointer<Float>, count: Int, into dst: UnsafeMutablePointer<Float>, width: Int) {
    copyFloats(from: src, into: dst, count: count)
    for u in count..<width { dst[u] = 0 }
}
