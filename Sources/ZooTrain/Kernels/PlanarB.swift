/// The right factor whose columns run over the positions of a batch of images: element (p, j) is
/// position `j % imageColumns` of row p of image `j / imageColumns`, at
/// `base[image * imageStride + p * ld + position]`.
///
/// An activation `[N, C, H, W]` read this way is `C × (N·H·W)`: a 1×1 convolution is one product
/// over the whole batch, straight from the NCHW planes.
struct PlanarB: GemmOperandB {
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
            let j = j0 + c0
            let image = j / imageColumns, q = j - image * imageColumns
            if q + cols <= imageColumns {
                let src = base + image * imageStride + p0 * ld + q
                for p in 0..<kc { copyRow(from: src + p * ld, count: cols, into: dst + p * nr, width: nr) }
            } else {
                // The strip spans images: copy each image's run of columns.
                for p in 0..<kc {
                    forEachImageRun(from: j, count: cols, imageColumns: imageColumns) { t, im, qq, run in
                        copyFloats(from: base + im * imageStride + (p0 + p) * ld + qq, into: dst + p * nr + t, count: run)
                    }
                    for u in cols..<nr { dst[p * nr + u] = 0 }
                }
            }
            dst += kc * nr
            c0 += nr
        }
    }
}
