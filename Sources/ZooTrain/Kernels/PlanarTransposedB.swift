/// The right factor whose inner dimension runs over the positions of a batch of images and whose
/// columns are the planes: element (p, j) is position `p % imageColumns` of plane j of image
/// `p / imageColumns`, at `base[image * imageStride + j * ld + position]`.
///
/// An activation `[N, C, H, W]` read this way is `(N·H·W) × C`: the weight gradient of a 1×1
/// convolution, `dY · Xᵀ`, packs it straight from the NCHW planes, eight planes by eight
/// positions at a time transposed in registers, with no channels-last copy.
struct PlanarTransposedB: GemmOperandB {
    let base: UnsafePointer<Float>
    let ld: Int
    let imageColumns: Int
    let imageStride: Int

    func pack<K: GemmMicroKernel>(_ kernel: K.Type, p0: Int, kc: Int, j0: Int, nc: Int, into out: UnsafeMutablePointer<Float>) {
        let nr = K.nr
        var dst = out
        var c0 = 0
        while c0 < nc {
            let cols = min(nr, nc - c0)
            forEachImageRun(from: p0, count: kc, imageColumns: imageColumns) { t, image, q, run in
                let src = base + image * imageStride + (j0 + c0) * ld + q
                let rows = dst + t * nr
                var col = 0
                while col + 8 <= cols {
                    var u = 0
                    while u + 8 <= run {
                        transpose8x8(src + col * ld + u, ld: ld, into: rows + u * nr + col, ldOut: nr)
                        u += 8
                    }
                    for c in col..<(col + 8) {
                        let s = src + c * ld
                        for v in u..<run { rows[v * nr + c] = s[v] }
                    }
                    col += 8
                }
                for c in col..<cols {
                    let s = src + c * ld
                    for v in 0..<run { rows[v * nr + c] = s[v] }
                }
            }
            if cols < nr { for k in 0..<kc { for c in cols..<nr { dst[k * nr + c] = 0 } } }
            dst += kc * nr
            c0 += nr
        }
    }
}
