/// A row-major matrix as the left factor, optionally transposed: element (i, p) of op(A) is at
/// `base[i * ld + p]`, or `base[p * ld + i]` when `transposed`.
struct DenseA: GemmOperandA {
    let base: UnsafePointer<Float>
    let ld: Int
    let transposed: Bool

    func block<K: GemmMicroKernel>(_ kernel: K.Type, i0: Int, mc: Int, p0: Int, kc: Int,
                                   scratch: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
        let mr = K.mr
        var dst = scratch
        var r0 = 0
        while r0 < mc {
            let rows = min(mr, mc - r0)
            if transposed {
                // op(A)[i, p] = A[p, i]: each p gives `rows` consecutive elements.
                for p in 0..<kc {
                    let src = base + (p0 + p) * ld + i0 + r0
                    for r in 0..<rows { dst[p * mr + r] = src[r] }
                    for r in rows..<mr { dst[p * mr + r] = 0 }
                }
            } else {
                // Eight rows by eight columns at a time, transposed in registers; the rest one by one.
                var p = 0
                if mr == 8 && rows == 8 {
                    let src = base + (i0 + r0) * ld + p0
                    while p + 8 <= kc {
                        transpose8x8(src + p, ld: ld, into: dst + p * 8, ldOut: 8)
                        p += 8
                    }
                }
                for r in 0..<rows {
                    let src = base + (i0 + r0 + r) * ld + p0
                    for q in p..<kc { dst[q * mr + r] = src[q] }
                }
                if rows < mr { for p in 0..<kc { for r in rows..<mr { dst[p * mr + r] = 0 } } }
            }
            dst += kc * mr
            r0 += mr
        }
        return UnsafePointer(scratch)
    }
}
