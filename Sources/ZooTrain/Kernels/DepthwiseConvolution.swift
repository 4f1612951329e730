/// Depthwise convolution (one filter per channel: groups == in == out channels) as direct SIMD
/// loops over the NCHW planes, never a product.
///
/// Every tap (ki, kj) of a row of outputs reads a contiguous run of one input row: with stride 1
/// the row itself, with column stride s one of s column phases of the plane (`x[iy, t·s + r]`,
/// split out once per plane). The loops then run eight outputs at a time with fused multiply-adds.
/// Sums follow the taps in order, so results do not depend on the thread count.
enum DepthwiseConvolution {
    /// Where tap column kj reads: phase `phase`, starting `shift` elements into the phase row, for
    /// outputs `lo..<hi` (the others read padding).
    struct Tap {
        var phase: Int
        var shift: Int
        var lo: Int
        var hi: Int
    }

    /// The column plan of each kernel column, for input width `w` split into `s` phases of
    /// `phaseWidth` elements.
    static func taps(_ g: ConvGeometry) -> [Tap] {
        let s = g.strideW, w = g.width
        return (0..<g.kernelW).map { kj in
            let ix0 = kj * g.dilationW - g.padLeft
            let phase = ((ix0 % s) + s) % s
            let shift = (ix0 - phase) / s
            let length = (w - phase + s - 1) / s
            let lo = max(0, -shift), hi = max(lo, min(g.outWidth, length - shift))
            return Tap(phase: phase, shift: shift, lo: lo, hi: hi)
        }
    }

    /// Width of one column phase.
    static func phaseWidth(_ g: ConvGeometry) -> Int { (g.width + g.strideW - 1) / g.strideW }

    /// Splits a plane into its column phases: `out[r][iy][t] = x[iy][t·s + r]`.
    static func splitPhases(_ x: UnsafePointer<Float>, _ g: ConvGeometry, into out: UnsafeMutablePointer<Float>) {
        let s = g.strideW, pw = phaseWidth(g), w = g.width
        for r in 0..<s {
            let phase = out + r * g.height * pw
            for iy in 0..<g.height {
                let src = x + iy * w + r, dst = phase + iy * pw
                var t = 0
                while r + t * s < w { dst[t] = src[t * s]; t += 1 }
            }
        }
    }

    static func forward(_ g: ConvGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>) {
        let plan = taps(g)
        let channels = g.inChannels, kh = g.kernelH, kw = g.kernelW
        let oh = g.outHeight, ow = g.outWidth, pw = phaseWidth(g)
        let strided = g.strideW > 1
        let out = UncheckedSendable(value: output)
        plan.withUnsafeBufferPointer { plan in
            Parallel.forEach(g.batch * channels, parallel: g.outputCount * g.taps >= 1 << 15) { task in
                let c = task % channels
                let x = input + task * g.inPlane
                let y = out.value + task * g.outPlane
                let w = weight + c * kh * kw
                let phases = strided ? Gemm.allocateFloats(g.strideW * g.height * pw) : nil
                defer { phases?.deallocate() }
                if let phases { splitPhases(x, g, into: phases) }
                let source = phases.map { UnsafePointer($0) } ?? x
                let rowStride = strided ? pw : g.width, phaseStride = g.height * pw
                let b = bias?[c] ?? 0
                for oy in 0..<oh {
                    let row = y + oy * ow
                    row.update(repeating: b, count: ow)
                    for ki in 0..<kh {
                        let iy = oy * g.strideH - g.padTop + ki * g.dilationH
                        if iy < 0 || iy >= g.height { continue }
                        for kj in 0..<kw {
                            let tap = plan[kj]
                            let src = source + tap.phase * phaseStride + iy * rowStride + tap.shift
                            multiplyAdd(w[ki * kw + kj], src, into: row, lo: tap.lo, hi: tap.hi)
                        }
                    }
                }
            }
        }
    }

    static func backwardData(_ g: ConvGeometry, outputGradient gy: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                             inputGradient gx: UnsafeMutablePointer<Float>) {
        let plan = taps(g)
        let channels = g.inChannels, kh = g.kernelH, kw = g.kernelW, s = g.strideW
        let oh = g.outHeight, ow = g.outWidth, pw = phaseWidth(g)
        let strided = s > 1
        let out = UncheckedSendable(value: gx)
        plan.withUnsafeBufferPointer { plan in
            Parallel.forEach(g.batch * channels, parallel: g.outputCount * g.taps >= 1 << 15) { task in
                let c = task % channels
                let dx = out.value + task * g.inPlane
                let dy = gy + task * g.outPlane
                let w = weight + c * kh * kw
                let phases = strided ? Gemm.allocateFloats(s * g.height * pw) : nil
                defer { phases?.deallocate() }
                let target = phases ?? dx
                let rowStride = strided ? pw : g.width, phaseStride = g.height * pw
                target.update(repeating: 0, count: strided ? s * g.height * pw : g.inPlane)
                for oy in 0..<oh {
                    let row = dy + oy * ow
                    for ki in 0..<kh {
                        let iy = oy * g.strideH - g.padTop + ki * g.dilationH
                        if iy < 0 || iy >= g.height { continue }
                        for kj in 0..<kw {
                            let tap = plan[kj]
                            let dst = target + tap.phase * phaseStride + iy * rowStride + tap.shift
                            scatterAdd(w[ki * kw + kj], row, into: dst, lo: tap.lo, hi: tap.hi)
                        }
                    }
                }
                if let phases {
                    // Interleave the phases back: dx[iy][t·s + r] = phase_r[iy][t].
                    for r in 0..<s {
                        for iy in 0..<g.height {
                            let src = phases + r * phaseStride + iy * pw, d = dx + iy * g.width + r
                            var t = 0
                            while r + t * s < g.width { d[t * s] = src[t]; t += 1 }
                        }
                    }
                }
            }
        }
    }

    static func backwardWeight(_ g: ConvGeometry, input: UnsafePointer<Float>, outputGradient gy: UnsafePointer<Float>,
                               weightGradient gw: UnsafeMutablePointer<Float>) {
        let plan = taps(g)
        let channels = g.inChannels, kh = g.kernelH, kw = g.kernelW, taps = kh * kw
        let oh = g.outHeight, ow = g.outWidth, pw = phaseWidth(g)
        let strided = g.strideW > 1
        let out = UncheckedSendable(value: gw)
        plan.withUnsafeBufferPointer { plan in
            Parallel.forEach(channels, parallel: g.outputCount * taps >= 1 << 15) { c in
                let phases = strided ? Gemm.allocateFloats(g.strideW * g.height * pw) : nil
                let lanes = UnsafeMutablePointer<SIMD8<Float>>.allocate(capacity: taps)
                let tails = UnsafeMutablePointer<Float>.allocate(capacity: taps)
                defer { phases?.deallocate(); lanes.deallocate(); tails.deallocate() }
                lanes.initialize(repeating: SIMD8<Float>(), count: taps)
                tails.initialize(repeating: 0, count: taps)
                let rowStride = strided ? pw : g.width, phaseStride = g.height * pw
                for n in 0..<g.batch {
                    let x = input + (n * channels + c) * g.inPlane
                    let dy = gy + (n * channels + c) * g.outPlane
                    if let phases { splitPhases(x, g, into: phases) }
                    let source = phases.map { UnsafePointer($0) } ?? x
                    for oy in 0..<oh {
                        let row = dy + oy * ow
                        for ki in 0..<kh {
                            let iy = oy * g.strideH - g.padTop + ki * g.dilationH
                            if iy < 0 || iy >= g.height { continue }
                            for kj in 0..<kw {
                                let tap = plan[kj]
                                let src = source + tap.phase * phaseStride + iy * rowStride + tap.shift
                                dotAccumulate(row, src, lo: tap.lo, hi: tap.hi, lanes: lanes + ki * kw + kj, tail: tails + ki * kw + kj)
                            }
                        }
                    }
                }
                for t in 0..<taps { out.value[c * taps + t] = lanes[t].sum() + tails[t] }
            }
        }
    }

    /// `row[u] += w · src[u]` for u in `lo..<hi`.
    @inline(__always)
    static func multiplyAdd(_ w: Float, _ src: UnsafePointer<Float>, into row: UnsafeMutablePointer<Float>, lo: Int, hi: Int) {
        let s = UnsafeRawPointer(src), d = UnsafeMutableRawPointer(row)
        let wv = SIMD8<Float>(repeating: w)
        var u = lo
        while u + 8 <= hi {
            let v = d.loadUnaligned(fromByteOffset: u * 4, as: SIMD8<Float>.self)
            d.storeBytes(of: fused(v, wv, s.loadUnaligned(fromByteOffset: u * 4, as: SIMD8<Float>.self)), toByteOffset: u * 4, as: SIMD8<Float>.self)
            u += 8
        }
        while u < hi { row[u] = fused(row[u], w, src[u]); u += 1 }
    }

    /// `dst[u] += w · row[u]` for u in `lo..<hi` (the input gradient's scatter, one tap at a time).
    @inline(__always)
    static func scatterAdd(_ w: Float, _ row: UnsafePointer<Float>, into dst: UnsafeMutablePointer<Float>, lo: Int, hi: Int) {
        multiplyAdd(w, row + lo, into: dst + lo, lo: 0, hi: hi - lo)
    }

    /// Adds `Σ a[u]·b[u]` over `lo..<hi` to eight lane sums (and a scalar tail), in a fixed order.
    @inline(__always)
    static func dotAccumulate(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, lo: Int, hi: Int,
                              lanes: UnsafeMutablePointer<SIMD8<Float>>, tail: UnsafeMutablePointer<Float>) {
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var acc = lanes.pointee
        var u = lo
        while u + 8 <= hi {
            acc = fused(acc, ra.loadUnaligned(fromByteOffset: u * 4, as: SIMD8<Float>.self),
                        rb.loadUnaligned(fromByteOffset: u * 4, as: SIMD8<Float>.self))
            u += 8
        }
        lanes.pointee = acc
        var t = tail.pointee
        while u < hi { t = fused(t, a[u], b[u]); u += 1 }
        tail.pointee = t
    }
}

/// `acc + x·y`, fused in release builds (haswell has FMA), plain in debug builds for the baseline CPU.
@inline(__always)
func fused(_ acc: SIMD8<Float>, _ x: SIMD8<Float>, _ y: SIMD8<Float>) -> SIMD8<Float> {
    #if ZOO_FMA
    return acc.addingProduct(x, y)
    #else
    return acc + x * y
    #endif
}

/// Scalar `acc + x·y`, fused in release builds.
@inline(__always)
func fused(_ acc: Float, _ x: Float, _ y: Float) -> Float {
    #if ZOO_FMA
    return acc.addingProduct(x, y)
    #else
    return acc + x * y
    #endif
}
