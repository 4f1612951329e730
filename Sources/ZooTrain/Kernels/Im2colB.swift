/// The unfolded input of a convolution as the right factor, without unfolding it in memory.
///
/// Row p is the tap `(c, ki, kj)` (`p = (c·kh + ki)·kw + kj`, the weight's layout), column j the
/// output position `(image, oy, ox)` of a batch; the element is the input pixel that tap reads, or
/// zero in the padding. Packing copies runs of pixels straight from the NCHW input, so no im2col
/// buffer (nine times the input for a 3×3 kernel) is ever allocated.
struct Im2colB: GemmOperandB {
    /// Channel 0 of the group, image 0.
    let base: UnsafePointer<Float>
    /// Floats between images.
    let imageStride: Int
    /// The convolution (its group's channels are rows of this operand).
    let geometry: ConvGeometry

    /// One run of a packed strip: columns `column..<column+count` are output positions
    /// `ox0..<ox0+count` of row `oy` of one image.
    private struct Run {
        var imageOffset: Int
        var inputRow0: Int
        var inputColumn0: Int
        var column: Int
        var count: Int
    }

    var isCostly: Bool { true }

    func pack<K: GemmMicroKernel>(_ kernel: K.Type, p0: Int, kc: Int, j0: Int, nc: Int, into out: UnsafeMutablePointer<Float>) {
        let g = geometry
        let nr = K.nr
        let ow = g.outWidth, plane = g.outPlane
        let h = g.height, w = g.width, hw = g.inPlane
        let kh = g.kernelH, kw = g.kernelW, taps = kh * kw
        let sh = g.strideH, sw = g.strideW, dh = g.dilationH, dw = g.dilationW
        withUnsafeTemporaryAllocation(of: Run.self, capacity: nr) { runs in
            var dst = out
            var c0 = 0
            while c0 < nc {
                let cols = min(nr, nc - c0)
                // Split the strip's columns into runs along output rows.
                var runCount = 0
                var t = 0
                while t < cols {
                    let j = j0 + c0 + t
                    let image = j / plane, q = j - image * plane
                    let oy = q / ow, ox = q - oy * ow
                    let count = min(cols - t, ow - ox)
                    runs[runCount] = Run(imageOffset: image * imageStride, inputRow0: oy * sh - g.padTop,
                                         inputColumn0: ox * sw - g.padLeft, column: t, count: count)
                    runCount += 1
                    t += count
                }
                var c = p0 / taps, rest = p0 - c * taps
                var ki = rest / kw, kj = rest - ki * kw
                for p in 0..<kc {
                    let row = dst + p * nr
                    let channel = base + c * hw
                    for r in 0..<runCount {
                        let run = runs[r]
                        let d = row + run.column
                        let iy = run.inputRow0 + ki * dh
                        if iy < 0 || iy >= h {
                            for u in 0..<run.count { d[u] = 0 }
                            continue
                        }
                        let src = channel + run.imageOffset + iy * w
                        let ix0 = run.inputColumn0 + kj * dw
                        // Output columns u with 0 <= ix0 + u*sw < w.
                        let lo = ix0 >= 0 ? 0 : min(run.count, (-ix0 + sw - 1) / sw)
                        let hi = ix0 >= w ? 0 : max(lo, min(run.count, (w - ix0 + sw - 1) / sw))
                        for u in 0..<lo { d[u] = 0 }
                        if sw == 1 {
                            copyFloats(from: src + ix0 + lo, into: d + lo, count: hi - lo)
                        } else {
                            var u = lo
                            while u < hi { d[u] = src[ix0 + u * sw]; u += 1 }
                        }
                        for u in hi..<run.count { d[u] = 0 }
                    }
                    for u in cols..<nr { row[u] = 0 }
                    kj += 1
                    if kj == kw { kj = 0; ki += 1; if ki == kh { ki = 0; c += 1 } }
                }
                dst += kc * nr
                c0 += nr
            }
        }
    }
}

/// Copies `count` floats eight at a time.
@inline(__always)
func copyFloats(from src: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, count: Int) {
    var u = 0
    let rs = UnsafeRawPointer(src), rd = UnsafeMutableRawPointer(dst)
    while u + 8 <= count {
        rd.storeBytes(of: rs.loadUnaligned(fromByteOffset: u * 4, as: SIMD8<Float>.self), toByteOffset: u * 4, as: SIMD8<Float>.self)
        u += 8
    }
    while u < count { dst[u] = src[u]; u += 1 }
}
