extension Convolution {
    /// `inputGradient[N, C, H, W]` (overwritten) from the output gradient.
    ///
    /// With unit stride this is itself a convolution: of the output gradient with the filters
    /// flipped and their in/out channels swapped, padded by `dilation·(k - 1) - padding` per side,
    /// so it runs on the same implicit-im2col product as the forward pass, with no buffers. Strided
    /// convolutions multiply into the unfolded gradient (`Wᵀ · dY`, a chunk of images at a time)
    /// and fold it back onto the input (col2im).
    static func backwardData(_ g: ConvGeometry, outputGradient gy: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                             inputGradient gx: UnsafeMutablePointer<Float>, kernel: GemmKernel = .selected) {
        guard g.batch > 0 else { return }
        if g.isDepthwise {
            DepthwiseConvolution.backwardData(g, outputGradient: gy, weight: weight, inputGradient: gx)
            return
        }
        if g.isSampledPointwise {
            let s = g.sampled
            let sampled = Gemm.allocateFloats(s.inputCount)
            defer { sampled.deallocate() }
            backwardData(s, outputGradient: gy, weight: weight, inputGradient: sampled, kernel: kernel)
            unsample(sampled, g, into: gx)
            return
        }
        let cin = g.groupInChannels, cout = g.groupOutChannels, taps = g.taps, patch = g.patch
        if g.strideH == 1 && g.strideW == 1 {
            // W'[group·cin + c, o, kh-1-ki, kw-1-kj] = W[group·cout + o, c, ki, kj]
            var flipped = [Float](repeating: 0, count: g.weightCount)
            flipped.withUnsafeMutableBufferPointer { f in
                for group in 0..<g.groups {
                    for o in 0..<cout {
                        for c in 0..<cin {
                            let src = weight + ((group * cout + o) * cin + c) * taps
                            let dst = f.baseAddress! + ((group * cin + c) * cout + o) * taps
                            for t in 0..<taps { dst[taps - 1 - t] = src[t] }
                        }
                    }
                }
            }
            var t = g
            t.inChannels = g.outChannels
            t.height = g.outHeight
            t.width = g.outWidth
            t.outChannels = g.inChannels
            t.padTop = g.dilationH * (g.kernelH - 1) - g.padTop
            t.padBottom = g.dilationH * (g.kernelH - 1) - g.padBottom
            t.padLeft = g.dilationW * (g.kernelW - 1) - g.padLeft
            t.padRight = g.dilationW * (g.kernelW - 1) - g.padRight
            flipped.withUnsafeBufferPointer { f in
                forward(t, input: gy, weight: f.baseAddress!, bias: nil, output: gx, kernel: kernel)
            }
            return
        }
        // Strided: dcol[patch, images·OH·OW] = W_gᵀ · dY_g, then col2im.
        let imageColumns = g.outPlane
        let chunk = max(1, min(g.batch, chunkBudget / max(1, patch * imageColumns)))
        let columns = Gemm.allocateFloats(patch * chunk * imageColumns)
        defer { columns.deallocate() }
        let packed = (0..<g.groups).map { group in
            PackedA(kernel: kernel, m: patch, k: cout,
                    source: DenseA(base: weight + group * cout * patch, ld: patch, transposed: true))
        }
        var n0 = 0
        while n0 < g.batch {
            let count = min(chunk, g.batch - n0)
            for group in 0..<g.groups {
                let b = PlanarB(base: gy + (n0 * g.outChannels + group * cout) * g.outPlane, ld: g.outPlane,
                                imageColumns: imageColumns, imageStride: g.outChannels * g.outPlane)
                Gemm.run(m: patch, n: count * imageColumns, k: cout, a: packed[group], b: b,
                         c: GemmOutput(columns, ldc: count * imageColumns), accumulate: false, kernel: kernel)
                col2im(g, columns: UnsafePointer(columns), images: count, group: group,
                       into: gx + n0 * g.inChannels * g.inPlane)
            }
            n0 += count
        }
    }

    /// Folds unfolded gradients `[patch, images·OH·OW]` of one group back onto the input planes of
    /// those images (overwriting them), adding overlapping taps in a fixed order.
    static func col2im(_ g: ConvGeometry, columns: UnsafePointer<Float>, images: Int, group: Int,
                       into gx: UnsafeMutablePointer<Float>) {
        let cin = g.groupInChannels, kh = g.kernelH, kw = g.kernelW
        let oh = g.outHeight, ow = g.outWidth, plane = g.outPlane
        let ld = images * plane
        let out = UncheckedSendable(value: gx)
        Parallel.forEach(images * cin, parallel: images * cin * g.inPlane >= 1 << 14) { task in
            let n = task / cin, c = task % cin
            let dst = out.value + (n * g.inChannels + group * cin + c) * g.inPlane
            dst.update(repeating: 0, count: g.inPlane)
            for ki in 0..<kh {
                for kj in 0..<kw {
                    let src = columns + ((c * kh + ki) * kw + kj) * ld + n * plane
                    for oy in 0..<oh {
                        let iy = oy * g.strideH - g.padTop + ki * g.dilationH
                        if iy < 0 || iy >= g.height { continue }
                        let row = dst + iy * g.width, s = src + oy * ow
                        var ix = kj * g.dilationW - g.padLeft
                        for ox in 0..<ow {
                            if ix >= 0 && ix < g.width { row[ix] += s[ox] }
                            ix += g.strideW
                        }
                    }
                }
            }
        }
    }

    /// `weightGradient[outChannels, in/groups, kh, kw]` (overwritten) and, when asked, the bias
    /// gradient, from the input and the output gradient of one forward.
    ///
    /// A product per chunk of images: `dW_g = dY_g · patchesᵀ`, summed over every output position.
    /// The output gradient is packed once per chunk; the patches are read from an NHWC copy of the
    /// chunk (runs of channels) unless the kernel rows are the longer runs (an RGB stem), then from
    /// the NCHW input itself.
    static func backwardWeight(_ g: ConvGeometry, input x: UnsafePointer<Float>, outputGradient gy: UnsafePointer<Float>,
                               weightGradient gw: UnsafeMutablePointer<Float>, biasGradient gb: UnsafeMutablePointer<Float>?,
                               kernel: GemmKernel = .selected) {
        if let gb { biasGradient(gy, batch: g.batch, channels: g.outChannels, plane: g.outPlane, into: gb) }
        guard g.batch > 0 else {
            gw.update(repeating: 0, count: g.weightCount)
            return
        }
        if g.isDepthwise {
            DepthwiseConvolution.backwardWeight(g, input: x, outputGradient: gy, weightGradient: gw)
            return
        }
        if g.isSampledPointwise {
            let s = g.sampled
            let sampled = Gemm.allocateFloats(s.inputCount)
            defer { sampled.deallocate() }
            sample(x, g, into: sampled)
            backwardWeight(s, input: sampled, outputGradient: gy, weightGradient: gw, biasGradient: nil, kernel: kernel)
            return
        }
        let cin = g.groupInChannels, cout = g.groupOutChannels, taps = g.taps, patch = g.patch
        if g.isPointwise {
            pointwiseWeightGradient(g, input: x, outputGradient: gy, weightGradient: gw, kernel: kernel)
            return
        }
        let channelsLast = cin >= g.kernelW || g.dilationW > 1
        let perImage = (channelsLast ? g.inChannels * g.inPlane : 0) + g.outChannels * g.outPlane
        let chunk = max(1, min(g.batch, chunkBudget / max(1, perImage)))
        let nhwc = channelsLast ? Gemm.allocateFloats(chunk * g.inChannels * g.inPlane) : nil
        // Channels-last products land as [cout, (ki, kj, c)]; permuted to the weight's layout at the end.
        let product = channelsLast ? Gemm.allocateFloats(g.weightCount) : gw
        defer {
            nhwc?.deallocate()
            if channelsLast { product.deallocate() }
        }
        var n0 = 0
        while n0 < g.batch {
            let count = min(chunk, g.batch - n0)
            let images = x + n0 * g.inChannels * g.inPlane
            if let nhwc { toChannelsLast(images, count: count, channels: g.inChannels, plane: g.inPlane, into: nhwc) }
            for group in 0..<g.groups {
                let a = PackedA(kernel: kernel, m: cout, k: count * g.outPlane,
                                source: PlanarA(base: gy + (n0 * g.outChannels + group * cout) * g.outPlane, ld: g.outPlane,
                                                imageColumns: g.outPlane, imageStride: g.outChannels * g.outPlane))
                let b: PatchRowsB
                if let nhwc {
                    b = PatchRowsB(base: UnsafePointer(nhwc) + group * cin, imageStride: g.inChannels * g.inPlane,
                                   pixelStride: g.inChannels, channelsLast: true, geometry: g)
                } else {
                    b = PatchRowsB(base: images + group * cin * g.inPlane, imageStride: g.inChannels * g.inPlane,
                                   pixelStride: 1, channelsLast: false, geometry: g)
                }
                Gemm.run(m: cout, n: patch, k: count * g.outPlane, a: a, b: b,
                         c: GemmOutput(product + group * cout * patch, ldc: patch), accumulate: n0 > 0, kernel: kernel)
            }
            n0 += count
        }
        if channelsLast {
            for o in 0..<g.outChannels {
                let src = product + o * patch, dst = gw + o * patch
                for t in 0..<taps {
                    for c in 0..<cin { dst[c * taps + t] = src[t * cin + c] }
                }
            }
        }
    }

    /// The weight gradient of a 1×1 convolution, `dW_g = dY_g · X_gᵀ` summed over the batch: both
    /// factors are read from their NCHW planes, a chunk of images at a time.
    ///
    /// With fewer input than output channels the product runs transposed (`X_g · dY_gᵀ`, then a
    /// transpose of the small result), so the channels that fill the micro-kernel's wide side are
    /// the many, not the few.
    static func pointwiseWeightGradient(_ g: ConvGeometry, input x: UnsafePointer<Float>, outputGradient gy: UnsafePointer<Float>,
                                        weightGradient gw: UnsafeMutablePointer<Float>, kernel: GemmKernel) {
        let cin = g.groupInChannels, cout = g.groupOutChannels, plane = g.inPlane
        let transposed = cin < cout
        let chunk = max(1, min(g.batch, chunkBudget / max(1, (transposed ? g.inChannels : g.outChannels) * plane)))
        let product = transposed ? Gemm.allocateFloats(g.weightCount) : gw
        defer { if transposed { product.deallocate() } }
        var n0 = 0
        while n0 < g.batch {
            let count = min(chunk, g.batch - n0)
            for group in 0..<g.groups {
                let dy = gy + (n0 * g.outChannels + group * cout) * plane, xs = x + (n0 * g.inChannels + group * cin) * plane
                let dyStride = g.outChannels * plane, xStride = g.inChannels * plane
                if transposed {
                    let a = PackedA(kernel: kernel, m: cin, k: count * plane,
                                    source: PlanarA(base: xs, ld: plane, imageColumns: plane, imageStride: xStride))
                    let b = PlanarTransposedB(base: dy, ld: plane, imageColumns: plane, imageStride: dyStride)
                    Gemm.run(m: cin, n: cout, k: count * plane, a: a, b: b,
                             c: GemmOutput(product + group * cout * cin, ldc: cout), accumulate: n0 > 0, kernel: kernel)
                } else {
                    let a = PackedA(kernel: kernel, m: cout, k: count * plane,
                                    source: PlanarA(base: dy, ld: plane, imageColumns: plane, imageStride: dyStride))
                    let b = PlanarTransposedB(base: xs, ld: plane, imageColumns: plane, imageStride: xStride)
                    Gemm.run(m: cout, n: cin, k: count * plane, a: a, b: b,
                             c: GemmOutput(product + group * cout * cin, ldc: cin), accumulate: n0 > 0, kernel: kernel)
                }
            }
            n0 += count
        }
        if transposed {
            // product holds [group][cin][cout]; the weight is [group][cout][cin].
            for group in 0..<g.groups {
                let src = product + group * cout * cin, dst = gw + group * cout * cin
                for c in 0..<cin { for o in 0..<cout { dst[o * cin + c] = src[c * cout + o] } }
            }
        }
    }

    /// Copies `count` NCHW images to NHWC (`[count, plane, channels]`), in 8×8 blocks transposed
    /// in registers (scalar at the ragged edges).
    static func toChannelsLast(_ x: UnsafePointer<Float>, count: Int, channels: Int, plane: Int,
                               into out: UnsafeMutablePointer<Float>) {
        let tile = 64
        let pixelTiles = (plane + tile - 1) / tile
        let dst = UncheckedSendable(value: out)
        Parallel.forEach(count * pixelTiles, parallel: count * channels * plane >= 1 << 16) { task in
            let n = task / pixelTiles, q0 = (task % pixelTiles) * tile
            let q1 = min(plane, q0 + tile)
            let src = x + n * channels * plane, o = dst.value + n * channels * plane
            var c = 0
            while c + 8 <= channels {
                var q = q0
                while q + 8 <= q1 {
                    transpose8x8(src + c * plane + q, ld: plane, into: o + q * channels + c, ldOut: channels)
                    q += 8
                }
                while q < q1 {
                    for k in 0..<8 { o[q * channels + c + k] = src[(c + k) * plane + q] }
                    q += 1
                }
                c += 8
            }
            while c < channels {
                for q in q0..<q1 { o[q * channels + c] = src[c * plane + q] }
                c += 1
            }
        }
    }
}

/// `out[j·ldOut + i] = src[i·ld + j]` for an 8×8 block: three rounds of splitting row pairs into
/// their even and odd elements transpose it (each round rotates the element index bits by one).
@inline(__always)
func transpose8x8(_ src: UnsafePointer<Float>, ld: Int, into out: UnsafeMutablePointer<Float>, ldOut: Int) {
    typealias V = SIMD8<Float>
    let r = UnsafeRawPointer(src)
    var a0 = r.loadUnaligned(as: V.self)
    var a1 = r.loadUnaligned(fromByteOffset: 4 * ld, as: V.self)
    var a2 = r.loadUnaligned(fromByteOffset: 8 * ld, as: V.self)
    var a3 = r.loadUnaligned(fromByteOffset: 12 * ld, as: V.self)
    var a4 = r.loadUnaligned(fromByteOffset: 16 * ld, as: V.self)
    var a5 = r.loadUnaligned(fromByteOffset: 20 * ld, as: V.self)
    var a6 = r.loadUnaligned(fromByteOffset: 24 * ld, as: V.self)
    var a7 = r.loadUnaligned(fromByteOffset: 28 * ld, as: V.self)
    @inline(__always) func unzip(_ x: V, _ y: V) -> (V, V) {
        let v = SIMD16<Float>(lowHalf: x, highHalf: y)
        return (v.evenHalf, v.oddHalf)
    }
    for _ in 0..<3 {
        let (e0, o0) = unzip(a0, a1), (e1, o1) = unzip(a2, a3), (e2, o2) = unzip(a4, a5), (e3, o3) = unzip(a6, a7)
        a0 = e0; a1 = e1; a2 = e2; a3 = e3; a4 = o0; a5 = o1; a6 = o2; a7 = o3
    }
    let d = UnsafeMutableRawPointer(out)
    d.storeBytes(of: a0, as: V.self)
    d.storeBytes(of: a1, toByteOffset: 4 * ldOut, as: V.self)
    d.storeBytes(of: a2, toByteOffset: 8 * ldOut, as: V.self)
    d.storeBytes(of: a3, toByteOffset: 12 * ldOut, as: V.self)
    d.storeBytes(of: a4, toByteOffset: 16 * ldOut, as: V.self)
    d.storeBytes(of: a5, toByteOffset: 20 * ldOut, as: V.self)
    d.storeBytes(of: a6, toByteOffset: 24 * ldOut, as: V.self)
    d.storeBytes(of: a7, toByteOffset: 28 * ldOut, as: V.self)
}
