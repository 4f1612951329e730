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

    /// Where tap (ki, kj) of a run reads, worked out once per strip: the offset of output column
    /// `lo` of the run within a channel (or -1 when the tap's row is padding), and the run's
    /// columns `lo..<hi` that read inside the input.
    private struct TapRun {
        var offset: Int
        var lo: Int
        var hi: Int
    }

    func pack<K: GemmMicroKernel>(_ kernel: K.Type, p0: Int, kc: Int, j0: Int, nc: Int, into out: UnsafeMutablePointer<Float>) {
        let g = geometry
        let nr = K.nr
        let ow = g.outWidth, plane = g.outPlane
        let h = g.height, w = g.width, hw = g.inPlane
        let kh = g.kernelH, kw = g.kernelW, taps = kh * kw
        let sh = g.strideH, sw = g.strideW, dh = g.dilationH, dw = g.dilationW
        withUnsafeTemporaryAllocation(of: Run.self, capacity: nr) { runs in
            withUnsafeTemporaryAllocation(of: TapRun.self, capacity: nr * taps) { table in
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
                    // Every tap reads the same pixels of each channel: bounds once per strip.
                    for ki in 0..<kh {
                        for kj in 0..<kw {
                            for r in 0..<runCount {
                                let run = runs[r]
                                let iy = run.inputRow0 + ki * dh
                                let entry = (ki * kw + kj) * runCount + r
                                if iy < 0 || iy >= h {
                                    table[entry] = TapRun(offset: -1, lo: 0, hi: 0)
                                    continue
                                }
                                let ix0 = run.inputColumn0 + kj * dw
                                // Output columns u with 0 <= ix0 + u·sw < w.
                                let lo = ix0 >= 0 ? 0 : min(run.count, (-ix0 + sw - 1) / sw)
                                let hi = ix0 >= w ? 0 : max(lo, min(run.count, (w - ix0 + sw - 1) / sw))
                                table[entry] = TapRun(offset: run.imageOffset + iy * w + ix0 + lo * sw, lo: lo, hi: hi)
                            }
                        }
                    }
                    var c = p0 / taps, tap = p0 - c * taps
                    for p in 0..<kc {
                        let row = dst + p * nr
                        let channel = base + c * hw
                        let entries = table.baseAddress! + tap * runCount
                        for r in 0..<runCount {
                            let run = runs[r], e = entries[r]
                            let d = row + run.column
                            if e.offset < 0 {
                                d.update(repeating: 0, count: run.count)
                                continue
                            }
                            for u in 0..<e.lo { d[u] = 0 }
                            if sw == 1 {
                                copyFloats(from: channel + e.offset, into: d + e.lo, count: e.hi - e.lo)
                            } else {
                                let src = channel + e.offset - e.lo * sw
                                var u = e.lo
                                while u < e.hi { d[u] = src[u * sw]; u += 1 }
                            }
                            for u in e.hi..<run.count { d[u] = 0 }
                        }
                        if cols < nr { (row + cols).update(repeating: 0, count: nr - cols) }
                        tap += 1
                        if tap == taps { tap = 0; c += 1 }
                    }
                    dst += kc * nr
                    c0 += nr
                }
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
