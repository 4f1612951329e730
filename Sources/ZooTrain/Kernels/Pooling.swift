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
    ///
    /// A row of outputs at a time: each window tap (ki, kj) updates the running maximum of every
    /// output whose tap lies inside the input, eight at a time, reading a contiguous run of one
    /// input row (of one column phase for a stride above 1). Taps go in row-major order with a
    /// strict `>`, so ties keep the first maximum, and the running index starts at each window's
    /// first pixel inside the input, as PyTorch's does.
    static func maxForward(_ g: PoolGeometry, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
                           argmax: UnsafeMutablePointer<Int32>) {
        let oh = g.outHeight, ow = g.outWidth, s = g.strideW, w = g.width
        let phaseWidth = (w + s - 1) / s
        let out = UncheckedSendable(value: output), arg = UncheckedSendable(value: argmax)
        let planes = g.batch * g.channels
        let chunks = min(planes, max(1, Gemm.threadCount * 8))
        Parallel.forEach(chunks, parallel: g.outputCount * g.kernelH * g.kernelW >= 1 << 15) { chunk in
            let phases = s > 1 ? Gemm.allocateFloats(s * g.height * phaseWidth) : nil
            defer { phases?.deallocate() }
            for plane in (planes * chunk / chunks)..<(planes * (chunk + 1) / chunks) {
                let x = input + plane * g.inPlane
                let y = out.value + plane * g.outPlane, a = arg.value + plane * g.outPlane
                if let phases {
                    // phase r, row iy, element t = x[iy, t·s + r]
                    for r in 0..<s {
                        for iy in 0..<g.height {
                            let src = x + iy * w + r, dst = phases + (r * g.height + iy) * phaseWidth
                            var t = 0
                            while r + t * s < w { dst[t] = src[t * s]; t += 1 }
                        }
                    }
                }
                for oy in 0..<oh {
                    let rows = window(oy, stride: g.strideH, pad: g.padTop, kernel: g.kernelH, size: g.height, padAfter: g.padBottom)
                    let best = y + oy * ow, at = a + oy * ow
                    for ox in 0..<ow {
                        best[ox] = -.infinity
                        at[ox] = Int32(truncatingIfNeeded: rows.lo * w + max(0, ox * s - g.padLeft))
                    }
                    for iy in rows.lo..<max(rows.lo, rows.hi) {
                        for kj in 0..<g.kernelW {
                            let ix0 = kj - g.padLeft
                            let r = ((ix0 % s) + s) % s, shift = (ix0 - r) / s
                            let length = (w - r + s - 1) / s
                            let lo = max(0, -shift), hi = max(lo, min(ow, length - shift))
                            let src = phases.map { UnsafePointer($0) + (r * g.height + iy) * phaseWidth + shift } ?? (x + iy * w + shift)
                            updateMaximum(src, base: iy * w + ix0, step: s, best: best, at: at, lo: lo, hi: hi)
                        }
                    }
                }
            }
        }
    }

    /// For u in `lo..<hi`: when `src[u]` beats `best[u]` (or is NaN), it becomes the maximum, at
    /// input index `base + u·step`.
    @inline(__always)
    static func updateMaximum(_ src: UnsafePointer<Float>, base: Int, step: Int, best: UnsafeMutablePointer<Float>,
                              at: UnsafeMutablePointer<Int32>, lo: Int, hi: Int) {
        typealias F = SIMD8<Float>
        typealias I = SIMD8<Int32>
        let rs = UnsafeRawPointer(src), rb = UnsafeMutableRawPointer(best), ra = UnsafeMutableRawPointer(at)
        let lanes = I(0, 1, 2, 3, 4, 5, 6, 7) &* Int32(truncatingIfNeeded: step)
        var u = lo
        while u + 8 <= hi {
            let v = rs.loadUnaligned(fromByteOffset: u * 4, as: F.self)
            let b = UnsafeRawPointer(rb).loadUnaligned(fromByteOffset: u * 4, as: F.self)
            let wins = (v .> b) .| (v .!= v)
            rb.storeBytes(of: b.replacing(with: v, where: wins), toByteOffset: u * 4, as: F.self)
            let index = I(repeating: Int32(truncatingIfNeeded: base + u * step)) &+ lanes
            let old = UnsafeRawPointer(ra).loadUnaligned(fromByteOffset: u * 4, as: I.self)
            ra.storeBytes(of: old.replacing(with: index, where: wins), toByteOffset: u * 4, as: I.self)
            u += 8
        }
        while u < hi {
            let v = src[u]
            if v > best[u] || v.isNaN { best[u] = v; at[u] = Int32(truncatingIfNeeded: base + u * step) }
            u += 1
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
