/// 2-D convolution kernels over NCHW with PyTorch's semantics: forward, input gradient, weight and
/// bias gradients, for any groups, stride, dilation and per-side padding.
///
/// Dense and grouped convolutions are products on the selected SGEMM kernel that read the input
/// in place (`Im2colB`, `PlanarB`), so no unfolded copy of the input exists; depthwise convolutions
/// run direct SIMD loops (`DepthwiseConvolution`). Every output element is summed in an order fixed
/// by the geometry alone, so results do not depend on the thread count.
enum Convolution {
    /// Floats of temporary NHWC input (and packed output gradient) per chunk of images in the
    /// weight gradient: bounds its memory whatever the batch.
    static let chunkBudget = 1 << 22

    /// `output[N, outChannels, OH, OW] = conv(input, weight) + bias`.
    static func forward(_ g: ConvGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
                        kernel: GemmKernel = .selected) {
        guard g.batch > 0 else { return }
        if g.isDepthwise {
            DepthwiseConvolution.forward(g, input: input, weight: weight, bias: bias, output: output)
            return
        }
        if g.isSampledPointwise {
            let s = g.sampled
            let sample = Gemm.allocateFloats(s.inputCount)
            defer { sample.deallocate() }
            self.sample(input, g, into: sample)
            forward(s, input: sample, weight: weight, bias: bias, output: output, kernel: kernel)
            return
        }
        let cin = g.groupInChannels, cout = g.groupOutChannels, patch = g.patch
        for group in 0..<g.groups {
            let a = PackedA(kernel: kernel, m: cout, k: patch,
                            source: DenseA(base: weight + group * cout * patch, ld: patch, transposed: false))
            let c = GemmOutput(output + group * cout * g.outPlane, ldc: g.outPlane, imageColumns: g.outPlane,
                               imageStride: g.outChannels * g.outPlane)
            let x = input + group * cin * g.inPlane
            let columns = g.batch * g.outPlane
            if g.isPointwise {
                let b = PlanarB(base: x, ld: g.inPlane, imageColumns: g.inPlane, imageStride: g.inChannels * g.inPlane)
                Gemm.run(m: cout, n: columns, k: patch, a: a, b: b, c: c, accumulate: false, kernel: kernel)
            } else {
                let b = Im2colB(base: x, imageStride: g.inChannels * g.inPlane, geometry: g)
                Gemm.run(m: cout, n: columns, k: patch, a: a, b: b, c: c, accumulate: false, kernel: kernel)
            }
        }
        if let bias { addBias(bias, to: output, planes: g.batch * g.outChannels, channels: g.outChannels, plane: g.outPlane) }
    }

    /// The input at the output positions of a 1×1 kernel: `out[n, c, oy, ox] = x[n, c, oy·sh - top,
    /// ox·sw - left]`, zero in the padding.
    static func sample(_ x: UnsafePointer<Float>, _ g: ConvGeometry, into out: UnsafeMutablePointer<Float>) {
        let oh = g.outHeight, ow = g.outWidth
        let dst = UncheckedSendable(value: out)
        Parallel.forEach(g.batch * g.inChannels, parallel: g.batch * g.inChannels * oh * ow >= 1 << 15) { plane in
            let src = x + plane * g.inPlane, o = dst.value + plane * oh * ow
            for oy in 0..<oh {
                let iy = oy * g.strideH - g.padTop
                let row = o + oy * ow
                guard iy >= 0 && iy < g.height else { row.update(repeating: 0, count: ow); continue }
                let line = src + iy * g.width
                for ox in 0..<ow {
                    let ix = ox * g.strideW - g.padLeft
                    row[ox] = ix >= 0 && ix < g.width ? line[ix] : 0
                }
            }
        }
    }

    /// The inverse of `sample` for gradients: `gx` (overwritten) gets each sampled position's
    /// gradient, zero elsewhere (a 1×1 window never overlaps another).
    static func unsample(_ sampled: UnsafePointer<Float>, _ g: ConvGeometry, into gx: UnsafeMutablePointer<Float>) {
        let oh = g.outHeight, ow = g.outWidth
        let dst = UncheckedSendable(value: gx)
        Parallel.forEach(g.batch * g.inChannels, parallel: g.inputCount >= 1 << 15) { plane in
            let src = sampled + plane * oh * ow, o = dst.value + plane * g.inPlane
            o.update(repeating: 0, count: g.inPlane)
            for oy in 0..<oh {
                let iy = oy * g.strideH - g.padTop
                guard iy >= 0 && iy < g.height else { continue }
                let line = o + iy * g.width, row = src + oy * ow
                for ox in 0..<ow {
                    let ix = ox * g.strideW - g.padLeft
                    if ix >= 0 && ix < g.width { line[ix] = row[ox] }
                }
            }
        }
    }

    /// Adds `bias[c]` to every element of each `[plane]` of channel c.
    static func addBias(_ bias: UnsafePointer<Float>, to y: UnsafeMutablePointer<Float>, planes: Int, channels: Int, plane: Int) {
        let out = UncheckedSendable(value: y)
        Parallel.forEach(planes, parallel: planes * plane >= 1 << 16) { i in
            let b = bias[i % channels]
            let row = out.value + i * plane
            for q in 0..<plane { row[q] += b }
        }
    }

    /// `biasGradient[c] = Σ` of channel c of the output gradient over the batch and the plane, in a
    /// fixed order (eight interleaved partial sums, then the images in order).
    static func biasGradient(_ gy: UnsafePointer<Float>, batch: Int, channels: Int, plane: Int,
                             into out: UnsafeMutablePointer<Float>) {
        let result = UncheckedSendable(value: out)
        Parallel.forEach(channels, parallel: batch * channels * plane >= 1 << 16) { c in
            var total: Float = 0
            for n in 0..<batch { total += sum(gy + (n * channels + c) * plane, count: plane) }
            result.value[c] = total
        }
    }

    /// Σ of `count` floats with eight lanes of partial sums, added in a fixed order.
    @inline(__always)
    static func sum(_ p: UnsafePointer<Float>, count: Int) -> Float {
        var acc = SIMD8<Float>()
        var u = 0
        let raw = UnsafeRawPointer(p)
        while u + 8 <= count {
            acc += raw.loadUnaligned(fromByteOffset: u * 4, as: SIMD8<Float>.self)
            u += 8
        }
        var tail: Float = 0
        while u < count { tail += p[u]; u += 1 }
        return acc.sum() + tail
    }
}
