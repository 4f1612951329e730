/// Depthwise convolution (one filter per channel: groups == in == out channels) as direct SIMD
/// loops over the NCHW planes, never a product.
///
/// Each plane is first split into its `strideH × strideW` phases with the padding made explicit:
/// phase (rr, rc) holds padded pixel `(a·sh + rr, b·sw + rc)` at `[a, b]`, rows `phaseWidth` apart.
/// In phase coordinates every tap (ki, kj) of output (oy, ox) reads `[oy + ro, ox + co]` of one
/// phase, so over the plane flattened row by row (`oy·phaseWidth + ox`) a convolution of any
/// stride, dilation and padding is a one-dimensional correlation: each output is a sum of
/// `kh·kw` loads at fixed offsets, run eight outputs at a time with no bounds checks. The few
/// columns past the output width are computed and dropped. The input gradient is the same
/// correlation run backwards per phase, and the weight gradient one dot product per tap.
/// Sums follow a fixed order, so results do not depend on the thread count.
enum DepthwiseConvolution {
    /// How a plane maps onto its phases for one geometry.
    struct Layout {
        let g: ConvGeometry
        /// Rows and columns of each phase plane.
        let phaseHeight: Int, phaseWidth: Int
        /// Floats per phase plane (with slack for the dropped columns' reads).
        let phaseSize: Int
        /// Per tap, row-major over (ki, kj): offset of its reads from the output's flat index,
        /// phase included.
        let offsets: [Int]

        init(_ g: ConvGeometry) {
            self.g = g
            let rowReach = (g.kernelH - 1) * g.dilationH / g.strideH
            let columnReach = (g.kernelW - 1) * g.dilationW / g.strideW
            phaseHeight = g.outHeight + rowReach
            phaseWidth = g.outWidth + columnReach
            phaseSize = phaseHeight * phaseWidth + columnReach + 32
            var offsets: [Int] = []
            for ki in 0..<g.kernelH {
                for kj in 0..<g.kernelW {
                    let r = ki * g.dilationH, c = kj * g.dilationW
                    let phase = (r % g.strideH) * g.strideW + c % g.strideW
                    offsets.append(phase * phaseSize + (r / g.strideH) * phaseWidth + c / g.strideW)
                }
            }
            self.offsets = offsets
        }

        var phases: Int { g.strideH * g.strideW }
        /// Flat outputs per plane, on the phase grid.
        var flatCount: Int { g.outHeight * phaseWidth }

        /// Splits one input plane into its phases, zeros where a phase reads padding.
        func split(_ x: UnsafePointer<Float>, into q: UnsafeMutablePointer<Float>) {
            let sh = g.strideH, sw = g.strideW, w = g.width
            for rr in 0..<sh {
                for rc in 0..<sw {
                    let phase = q + (rr * sw + rc) * phaseSize
                    // Columns b whose pixel b·sw + rc - padLeft lies inside the input.
                    let first = rc - g.padLeft
                    let lo = first >= 0 ? 0 : min(phaseWidth, (-first + sw - 1) / sw)
                    let hi = first >= w ? 0 : max(lo, min(phaseWidth, (w - first + sw - 1) / sw))
                    for a in 0..<phaseHeight {
                        let row = phase + a * phaseWidth
                        let iy = a * sh + rr - g.padTop
                        if iy < 0 || iy >= g.height {
                            row.update(repeating: 0, count: phaseWidth)
                            continue
                        }
                        let src = x + iy * w + first
                        for b in 0..<lo { row[b] = 0 }
                        if sw == 1 {
                            copyFloats(from: src + lo, into: row + lo, count: hi - lo)
                        } else {
                            var b = lo
                            if sw == 2 {
                                // Eight even elements out of sixteen at a time.
                                let raw = UnsafeRawPointer(src)
                                while b + 8 <= hi && 2 * b + 16 <= w - first {
                                    UnsafeMutableRawPointer(row + b).storeBytes(
                                        of: raw.loadUnaligned(fromByteOffset: 8 * b, as: SIMD16<Float>.self).evenHalf, as: SIMD8<Float>.self)
                                    b += 8
                                }
                            }
                            while b < hi { row[b] = src[b * sw]; b += 1 }
                        }
                        for b in hi..<phaseWidth { row[b] = 0 }
                    }
                    (phase + phaseHeight * phaseWidth).update(repeating: 0, count: phaseSize - phaseHeight * phaseWidth)
                }
            }
        }

        /// Lays one output-gradient plane on the phase grid `[outHeight, phaseWidth]` at `front`
        /// floats into `out`, zeros in the dropped columns and around it.
        func spread(_ gy: UnsafePointer<Float>, front: Int, total: Int, into out: UnsafeMutablePointer<Float>) {
            out.update(repeating: 0, count: total)
            let ow = g.outWidth
            for oy in 0..<g.outHeight { copyFloats(from: gy + oy * ow, into: out + front + oy * phaseWidth, count: ow) }
        }
    }

    /// Splits `count` tasks' worth of planes into chunks, so scratch buffers are made once per chunk.
    static func forEachChunk(_ planes: Int, work: Int, _ body: (Range<Int>) -> Void) {
        let chunks = min(planes, max(1, Gemm.threadCount * 8))
        Parallel.forEach(chunks, parallel: work >= 1 << 15) { k in
            let lo = planes * k / chunks, hi = planes * (k + 1) / chunks
            if lo < hi { body(lo..<hi) }
        }
    }

    static func forward(_ g: ConvGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>) {
        let layout = Layout(g)
        let channels = g.inChannels, taps = g.taps, ow = g.outWidth
        let out = UncheckedSendable(value: output)
        layout.offsets.withUnsafeBufferPointer { offsets in
            forEachChunk(g.batch * channels, work: g.outputCount * taps) { planes in
                let phases = Gemm.allocateFloats(layout.phases * layout.phaseSize)
                let flat = Gemm.allocateFloats(layout.flatCount + 32)
                defer { phases.deallocate(); flat.deallocate() }
                for plane in planes {
                    let c = plane % channels
                    layout.split(input + plane * g.inPlane, into: phases)
                    correlate(UnsafePointer(phases), offsets: offsets.baseAddress!, weights: weight + c * taps, taps: taps,
                              bias: bias?[c] ?? 0, count: layout.flatCount, into: flat)
                    let y = out.value + plane * g.outPlane
                    for oy in 0..<g.outHeight { copyFloats(from: flat + oy * layout.phaseWidth, into: y + oy * ow, count: ow) }
                }
            }
        }
    }

    static func backwardData(_ g: ConvGeometry, outputGradient gy: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                             inputGradient gx: UnsafeMutablePointer<Float>) {
        let layout = Layout(g)
        let channels = g.inChannels, taps = g.taps
        let sh = g.strideH, sw = g.strideW, pw = layout.phaseWidth
        // Per phase: its taps, as offsets back from a phase element to the outputs that read it.
        let front = layout.offsets.map { $0 % layout.phaseSize }.max() ?? 0
        var tapsOfPhase = [[Int]](repeating: [], count: layout.phases)
        for t in 0..<taps { tapsOfPhase[layout.offsets[t] / layout.phaseSize].append(t) }
        let spreadTotal = front + layout.phaseSize + 32
        let out = UncheckedSendable(value: gx)
        forEachChunk(g.batch * channels, work: g.outputCount * taps) { planes in
            let spread = Gemm.allocateFloats(spreadTotal)
            let phases = Gemm.allocateFloats(layout.phases * layout.phaseSize)
            let phaseOffsets = UnsafeMutablePointer<Int>.allocate(capacity: max(1, taps))
            let phaseWeights = Gemm.allocateFloats(max(1, taps))
            defer { spread.deallocate(); phases.deallocate(); phaseOffsets.deallocate(); phaseWeights.deallocate() }
            for plane in planes {
                let c = plane % channels
                layout.spread(gy + plane * g.outPlane, front: front, total: spreadTotal, into: spread)
                for p in 0..<layout.phases {
                    // dQ_p[j] = Σ_t w_t · G[j - offset_t]: a correlation over the spread gradient.
                    let own = tapsOfPhase[p]
                    for (i, t) in own.enumerated() {
                        phaseOffsets[i] = front - layout.offsets[t] % layout.phaseSize
                        phaseWeights[i] = weight[c * taps + t]
                    }
                    let dst = phases + p * layout.phaseSize
                    if own.isEmpty {
                        dst.update(repeating: 0, count: layout.phaseHeight * pw)
                    } else {
                        correlate(UnsafePointer(spread), offsets: phaseOffsets, weights: phaseWeights, taps: own.count, bias: 0,
                                  count: layout.phaseHeight * pw, into: dst)
                    }
                }
                // Back from phases to the plane; pixels no output reads get zero.
                let dx = out.value + plane * g.inPlane
                let w = g.width
                for iy in 0..<g.height {
                    let a = (iy + g.padTop) / sh, rr = (iy + g.padTop) % sh
                    let row = dx + iy * w
                    if a >= layout.phaseHeight { row.update(repeating: 0, count: w); continue }
                    if sw == 1 {
                        let src = phases + rr * layout.phaseSize + a * pw
                        let lead = g.padLeft
                        let inside = min(w, pw - lead)
                        copyFloats(from: src + lead, into: row, count: max(0, inside))
                        for ix in max(0, inside)..<w { row[ix] = 0 }
                        continue
                    }
                    if pw * sw < w + g.padLeft { row.update(repeating: 0, count: w) }
                    for rc in 0..<sw {
                        // Pixel ix = b·sw + rc - padLeft comes from element b of phase (rr, rc).
                        let src = phases + (rr * sw + rc) * layout.phaseSize + a * pw
                        let first = rc - g.padLeft
                        let lo = first >= 0 ? 0 : min(pw, (-first + sw - 1) / sw)
                        let hi = first >= w ? 0 : max(lo, min(pw, (w - first + sw - 1) / sw))
                        let dst = row + first
                        var b = lo
                        while b < hi { dst[b * sw] = src[b]; b += 1 }
                    }
                }
            }
        }
    }

    static func backwardWeight(_ g: ConvGeometry, input: UnsafePointer<Float>, outputGradient gy: UnsafePointer<Float>,
                               weightGradient gw: UnsafeMutablePointer<Float>) {
        let layout = Layout(g)
        let channels = g.inChannels, taps = g.taps
        let spreadTotal = layout.flatCount + 32
        let out = UncheckedSendable(value: gw)
        layout.offsets.withUnsafeBufferPointer { offsets in
            Parallel.forEach(channels, parallel: g.outputCount * taps >= 1 << 15) { c in
                let phases = Gemm.allocateFloats(layout.phases * layout.phaseSize)
                let spread = Gemm.allocateFloats(spreadTotal)
                let lanes = UnsafeMutablePointer<SIMD8<Float>>.allocate(capacity: taps)
                defer { phases.deallocate(); spread.deallocate(); lanes.deallocate() }
                lanes.initialize(repeating: SIMD8<Float>(), count: taps)
                for n in 0..<g.batch {
                    let plane = n * channels + c
                    layout.split(input + plane * g.inPlane, into: phases)
                    // The gradient on the phase grid, zero in the dropped columns so they add nothing.
                    layout.spread(gy + plane * g.outPlane, front: 0, total: spreadTotal, into: spread)
                    for t in 0..<taps {
                        lanes[t] += dot(UnsafePointer(spread), UnsafePointer(phases) + offsets[t], count: layout.flatCount)
                    }
                }
                for t in 0..<taps { out.value[c * taps + t] = lanes[t].sum() }
            }
        }
    }

    /// `out[j] = bias + Σ_t weights[t] · src[j + offsets[t]]` for `j < count`, 32 outputs at a time
    /// (four accumulators hide the fused multiply-add latency); writes up to 31 floats past `count`.
    @inline(__always)
    static func correlate(_ src: UnsafePointer<Float>, offsets: UnsafePointer<Int>, weights: UnsafePointer<Float>, taps: Int,
                          bias: Float, count: Int, into out: UnsafeMutablePointer<Float>) {
        typealias V = SIMD8<Float>
        let raw = UnsafeRawPointer(src), dst = UnsafeMutableRawPointer(out)
        var j = 0
        while j < count {
            var a0 = V(repeating: bias), a1 = a0, a2 = a0, a3 = a0
            for t in 0..<taps {
                let w = V(repeating: weights[t])
                let p = raw + (j + offsets[t]) * 4
                a0 = fused(a0, w, p.loadUnaligned(as: V.self))
                a1 = fused(a1, w, p.loadUnaligned(fromByteOffset: 32, as: V.self))
                a2 = fused(a2, w, p.loadUnaligned(fromByteOffset: 64, as: V.self))
                a3 = fused(a3, w, p.loadUnaligned(fromByteOffset: 96, as: V.self))
            }
            let d = dst + j * 4
            d.storeBytes(of: a0, as: V.self)
            d.storeBytes(of: a1, toByteOffset: 32, as: V.self)
            d.storeBytes(of: a2, toByteOffset: 64, as: V.self)
            d.storeBytes(of: a3, toByteOffset: 96, as: V.self)
            j += 32
        }
    }

    /// Eight lane sums of `a[j]·b[j]` over `j < count` (padded with zeros past `count` in `a`
    /// up to a multiple of 32), accumulated in a fixed order.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> SIMD8<Float> {
        typealias V = SIMD8<Float>
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        var s0 = V(), s1 = V(), s2 = V(), s3 = V()
        var j = 0
        while j < count {
            let pa = ra + j * 4, pb = rb + j * 4
            s0 = fused(s0, pa.loadUnaligned(as: V.self), pb.loadUnaligned(as: V.self))
            s1 = fused(s1, pa.loadUnaligned(fromByteOffset: 32, as: V.self), pb.loadUnaligned(fromByteOffset: 32, as: V.self))
            s2 = fused(s2, pa.loadUnaligned(fromByteOffset: 64, as: V.self), pb.loadUnaligned(fromByteOffset: 64, as: V.self))
            s3 = fused(s3, pa.loadUnaligned(fromByteOffset: 96, as: V.self), pb.loadUnaligned(fromByteOffset: 96, as: V.self))
            j += 32
        }
        return (s0 + s1) + (s2 + s3)
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
