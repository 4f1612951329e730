/// The left factor whose inner dimension runs over the positions of a batch of images: element
/// (i, p) is position `p % imageColumns` of row i of image `p / imageColumns`, at
/// `base[image * imageStride + i * ld + position]`.
///
/// A convolution's output gradient `[N, C, H, W]` read this way is `C × (N·H·W)`: the weight
/// gradient sums over every position of every image without copying the batch into one matrix.
struct PlanarA: GemmOperandA {
    let base: UnsafePointer<Float>
    let ld: Int
    let imageColumns: Int
    let imageStride: Int

    func block<K: GemmMicroKernel>(_ kernel: K.Type, i0: Int, mc: Int, p0: Int, kc: Int,
                                   scratch: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
        let mr = K.mr
        var dst = scratch
        var r0 = 0
        while r0 < mc {
            let rows = min(mr, mc - r0)
            forEachImageRun(from: p0, count: kc, imageColumns: imageColumns) { t, image, q, run in
                let src = base + image * imageStride + (i0 + r0) * ld + q
                let out = dst + t * mr
                var u0 = 0
                if mr == 8 && rows == 8 {
                    // Eight rows by eight positions at a time, transposed in registers.
                    while u0 + 8 <= run {
                        transpose8x8(src + u0, ld: ld, into: out + u0 * 8, ldOut: 8)
                        u0 += 8
                    }
                }
                for r in 0..<rows {
                    let s = src + r * ld
                    for u in u0..<run { out[u * mr + r] = s[u] }
                }
                if rows < mr { for u in 0..<run { for r in rows..<mr { out[u * mr + r] = 0 } } }
            }
            dst += kc * mr
            r0 += mr
        }
        return UnsafePointer(scratch)
    }
}
