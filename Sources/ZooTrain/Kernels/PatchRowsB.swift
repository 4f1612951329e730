/// The transposed unfolded input of a convolution as the right factor of its weight gradient.
///
/// Row k is the output position `(image, oy, ox)`; column p a tap of the group's filter; the
/// element is the input pixel that tap reads at that position, or zero in the padding. Two layouts
/// of the input, chosen by whichever gives the longer contiguous runs:
/// - `channelsLast` (the input copied to NHWC): columns ordered `(ki, kj, c)`, each run a pixel's
///   channels;
/// - NCHW: columns ordered `(c, ki, kj)` as the weight, each run a kernel row (few channels,
///   such as an RGB stem).
struct PatchRowsB: GemmOperandB {
    /// Image 0 of the input (NHWC when `channelsLast`, else NCHW), at the group's first channel.
    let base: UnsafePointer<Float>
    /// Floats between images.
    let imageStride: Int
    /// Floats between pixels' channel vectors (the input's channel count) when `channelsLast`.
    let pixelStride: Int
    let channelsLast: Bool
    let geometry: ConvGeometry

    /// Columns `column..<column+count` of a strip: channels `c0...` of tap (ki, kj0) when
    /// `channelsLast`, else taps (ki, kj0...) of channel c0.
    private struct Run {
        var c0: Int
        var ki: Int
        var kj0: Int
        var column: Int
        var count: Int
    }

    var isCostly: Bool { true }

    func pack<K: GemmMicroKernel>(_ kernel: K.Type, p0: Int, kc: Int, j0: Int, nc: Int, into out: UnsafeMutablePointer<Float>) {
        let g = geometry
        let nr = K.nr
        let ow = g.outWidth, oh = g.outHeight, plane = g.outPlane
        let h = g.height, w = g.width, hw = g.inPlane
        let kw = g.kernelW, taps = g.taps, cin = g.groupInChannels
        let sh = g.strideH, sw = g.strideW, dh = g.dilationH, dw = g.dilationW
        withUnsafeTemporaryAllocation(of: Run.self, capacity: nr) { runs in
            var dst = out
            var c0 = 0
            while c0 < nc {
                let cols = min(nr, nc - c0)
                var runCount = 0
                var t = 0
                while t < cols {
                    let j = j0 + c0 + t
                    if channelsLast {
                        let tap = j / cin, c = j - tap * cin
                        let count = min(cols - t, cin - c)
                        runs[runCount] = Run(c0: c, ki: tap / kw, kj0: tap % kw, column: t, count: count)
                        t += count
                    } else {
                        let c = j / taps, tap = j - c * taps
                        let ki = tap / kw, kj = tap - ki * kw
                        let count = min(cols - t, kw - kj)
                        runs[runCount] = Run(c0: c, ki: ki, kj0: kj, column: t, count: count)
                        t += count
                    }
                    runCount += 1
                }
                var image = p0 / plane
                let q = p0 - image * plane
                var oy = q / ow, ox = q - oy * ow
                for k in 0..<kc {
                    let row = dst + k * nr
                    let pixels = base + image * imageStride
                    let iyBase = oy * sh - g.padTop, ixBase = ox * sw - g.padLeft
                    for r in 0..<runCount {
                        let run = runs[r]
                        let d = row + run.column
                        let iy = iyBase + run.ki * dh
                        if channelsLast {
                            let ix = ixBase + run.kj0 * dw
                            if iy < 0 || iy >= h || ix < 0 || ix >= w {
                                for u in 0..<run.count { d[u] = 0 }
                            } else {
                                copyFloats(from: pixels + (iy * w + ix) * pixelStride + run.c0, into: d, count: run.count)
                            }
                        } else if iy < 0 || iy >= h {
                            for u in 0..<run.count { d[u] = 0 }
                        } else {
                            let src = pixels + run.c0 * hw + iy * w
                            let ix0 = ixBase + run.kj0 * dw
                            // Taps u with 0 <= ix0 + u·dw < w.
                            let lo = ix0 >= 0 ? 0 : min(run.count, (-ix0 + dw - 1) / dw)
                            let hi = ix0 >= w ? 0 : max(lo, min(run.count, (w - ix0 + dw - 1) / dw))
                            for u in 0..<lo { d[u] = 0 }
                            if dw == 1 {
                                for u in lo..<hi { d[u] = src[ix0 + u] }
                            } else {
                                for u in lo..<hi { d[u] = src[ix0 + u * dw] }
                            }
                            for u in hi..<run.count { d[u] = 0 }
                        }
                    }
                    for u in cols..<nr { row[u] = 0 }
                    ox += 1
                    if ox == ow { ox = 0; oy += 1; if oy == oh { oy = 0; image += 1 } }
                }
                dst += kc * nr
                c0 += nr
            }
        }
    }
}
