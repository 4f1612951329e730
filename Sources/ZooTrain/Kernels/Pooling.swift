/// Max and average pooling over NCHW planes with PyTorch's semantics (padding, ceil mode,
/// `count_include_pad`), forward and backward, one plane per task.
enum Pooling {
    /// The input rows (or columns) a window covers, clipped to the input, and the window's extent
    /// clipped only to the padded input (what `count_include_pad` divides by).
    @inline(__always)
    static func window(_ o: Int, stride: Int, pad: Int, kernel: Int, size: Int, padAfter: Int) -> (lo: Int, hi: Int, padded: Int) {
        let start = o * stride - pad
        let end = min(start + kernel, size + padAfter)
        return (max(start, 0), min(end, size), end - start)
    }

    /// Max pooling; `argmax` receives, per output, the index within its input plane of the first
    /// maximum in row-major window order (NaN wins, as in PyTorch).
    static func maxForward(_ g: PoolGeometry, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
                           argmax: UnsafeMutablePointer<Int32>) {
        let oh = g.outHeight, ow = g.outWidth
        let out = UncheckedSendable(value: output), arg = UncheckedSendable(value: argmax)
        Parallel.forEach(g.batch * g.channels, parallel: g.outputCount * g.kernelH * g.kernelW >= 1 << 15) { plane in
            let x = input + plane * g.inPlane
            let y = out.value + plane * g.outPlane, a = arg.value + plane * g.outPlane
            for oy in 0..<oh {
                let rows = window(oy, stride: g.strideH, pad: g.padTop, kernel: g.kernelH, size: g.height, padAfter: g.padBottom)
                for ox in 0..<ow {
                    let cols = window(ox, stride: g.strideW, pad: g.padLeft, kernel: g.kernelW, size: g.width, padAfter: g.padRight)
                    var best = -Float.infinity
                    var at = rows.lo * g.width + cols.lo
                    for iy in rows.lo..<rows.hi {
                        let row = x + iy * g.width
                        for ix in cols.lo..<cols.hi {
                            let v = row[ix]
                            if v > best || v.isNaN { best = v; at = iy * g.width + ix }
                        }
                    }
                    y[oy * ow + ox] = best
                    a[oy * ow + ox] = Int32(truncatingIfNeeded: at)
                }
            }
        }
    }

    /// dL/dx of max pooling: each output's gradient goes to its argmax (overlapping windows add up,
    /// in output order).
    static func maxBackward(_ g: PoolGeometry, outputGradient gy: UnsafePointer<Float>, argmax: UnsafePointer<Int32>,
                            inputGradient gx: UnsafeMutablePointer<Float>) {
        let out = UncheckedSendable(value: gx)
        Parallel.forEach(g.batch * g.channels, parallel: g.outputCount >= 1 << 15) { plane in
            let dx = out.value + plane * g.inPlane
            dx.update(repeating: 0, count: g.inPlane)
            let dy = gy + plane * g.outPlane, a = argmax + plane * g.outPlane
            for o in 0..<g.outPlane { dx[Int(a[o])] += dy[o] }
        }
    }

    /// The divisor of the average over output (oy, ox)'s window, or 0 when the window holds no input.
    @inline(__always)
    static func divisor(_ g: PoolGeometry, rows: (lo: Int, hi: Int, padded: Int), cols: (lo: Int, hi: Int, padded: Int)) -> Int {
        if rows.hi <= rows.lo || cols.hi <= cols.lo { return 0 }
        return g.countIncludePad ? rows.padded * cols.padded : (rows.hi - rows.lo) * (cols.hi - cols.lo)
    }

    /// Average pooling.
    static func averageForward(_ g: PoolGeometry, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        let oh = g.outHeight, ow = g.outWidth
        let out = UncheckedSendable(value: output)
        Parallel.forEach(g.batch * g.channels, parallel: g.outputCount * g.kernelH * g.kernelW >= 1 << 15) { plane in
            let x = input + plane * g.inPlane
            let y = out.value + plane * g.outPlane
            for oy in 0..<oh {
                let rows = window(oy, stride: g.strideH, pad: g.padTop, kernel: g.kernelH, size: g.height, padAfter: g.padBottom)
                for ox in 0..<ow {
                    let cols = window(ox, stride: g.strideW, pad: g.padLeft, kernel: g.kernelW, size: g.width, padAfter: g.padRight)
                    let d = divisor(g, rows: rows, cols: cols)
                    var s: Float = 0
                    for iy in rows.lo..<max(rows.lo, rows.hi) {
                        let row = x + iy * g.width
                        for ix in cols.lo..<max(cols.lo, cols.hi) { s += row[ix] }
                    }
                    y[oy * ow + ox] = d == 0 ? 0 : s / Float(d)
                }
            }
        }
    }

    /// dL/dx of average pooling: each output's gradient, divided as in the forward, spread over its window.
    static func averageBackward(_ g: PoolGeometry, outputGradient gy: UnsafePointer<Float>, inputGradient gx: UnsafeMutablePointer<Float>) {
        let oh = g.outHeight, ow = g.outWidth
        let out = UncheckedSendable(value: gx)
        Parallel.forEach(g.batch * g.channels, parallel: g.outputCount * g.kernelH * g.kernelW >= 1 << 15) { plane in
            let dx = out.value + plane * g.inPlane
            dx.update(repeating: 0, count: g.inPlane)
            let dy = gy + plane * g.outPlane
            for oy in 0..<oh {
                let rows = window(oy, stride: g.strideH, pad: g.padTop, kernel: g.kernelH, size: g.height, padAfter: g.padBottom)
                for ox in 0..<ow {
                    let cols = window(ox, stride: g.strideW, pad: g.padLeft, kernel: g.kernelW, size: g.width, padAfter: g.padRight)
                    let d = divisor(g, rows: rows, cols: cols)
                    if d == 0 { continue }
                    let v = dy[oy * ow + ox] / Float(d)
                    for iy in rows.lo..<rows.hi {
                        let row = dx + iy * g.width
                        for ix in cols.lo..<cols.hi { row[ix] += v }
                    }
                }
            }
        }
    }
}
