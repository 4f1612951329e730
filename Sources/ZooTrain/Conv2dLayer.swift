/// 2-D convolution as PyTorch's `Conv2d` (NCHW, weight `[out, in, kh, kw]`), computed as im2col
/// followed by one GEMM per chunk of the batch.
public final class Conv2dLayer: NetworkLayer {
    /// `[outChannels, inChannels, kernel, kernel]`.
    public let weight: Parameter
    /// `[outChannels]`, or nil.
    public let bias: Parameter?
    /// Step between windows.
    public let stride: Int
    /// Zero padding on every side.
    public let padding: Int
    private var input = Tensor(zeros: [0])
    /// Upper bound on an im2col buffer, in floats, so large batches are processed in chunks.
    static let columnBudget = 1 << 22

    /// A convolution over the given tensors.
    public init(weight: Parameter, bias: Parameter?, stride: Int, padding: Int) {
        self.weight = weight
        self.bias = bias
        self.stride = stride
        self.padding = padding
    }

    /// The weight and bias that exist.
    public var parameters: [Parameter] { bias.map { [weight, $0] } ?? [weight] }

    /// Geometry of one forward, derived from the input shape.
    private struct Geometry {
        var n, c, h, w, oc, k, oh, ow: Int
        var ckk: Int { c * k * k }
        var ohw: Int { oh * ow }
    }

    private func geometry(_ shape: [Int]) -> Geometry {
        let k = weight.value.shape[2]
        let oh = (shape[2] + 2 * padding - k) / stride + 1
        let ow = (shape[3] + 2 * padding - k) / stride + 1
        return Geometry(n: shape[0], c: shape[1], h: shape[2], w: shape[3], oc: weight.value.shape[0], k: k, oh: oh, ow: ow)
    }

    private func chunkSize(_ g: Geometry) -> Int {
        max(1, min(g.n, Self.columnBudget / max(1, g.ckk * g.ohw)))
    }

    /// See `NetworkLayer.forward(_:training:)`.
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        input = x
        let g = geometry(x.shape)
        var y = Tensor(zeros: [g.n, g.oc, g.oh, g.ow])
        let nb = chunkSize(g)
        var col = [Float](repeating: 0, count: g.ckk * nb * g.ohw)
        var yt = [Float](repeating: 0, count: g.oc * nb * g.ohw)
        var n0 = 0
        while n0 < g.n {
            let cnt = min(nb, g.n - n0)
            let cols = cnt * g.ohw
            x.data.withUnsafeBufferPointer { px in
                col.withUnsafeMutableBufferPointer { pc in
                    im2col(px.baseAddress! + n0 * g.c * g.h * g.w, count: cnt, g, into: pc.baseAddress!)
                }
            }
            weight.value.data.withUnsafeBufferPointer { pw in
                col.withUnsafeBufferPointer { pc in
                    yt.withUnsafeMutableBufferPointer { pt in
                        Gemm.multiply(m: g.oc, n: cols, k: g.ckk, a: pw.baseAddress!, lda: g.ckk, transposeA: false,
                                      b: pc.baseAddress!, ldb: cols, transposeB: false,
                                      c: pt.baseAddress!, ldc: cols, accumulate: false)
                    }
                }
            }
            // yt is [oc, n, oh*ow]; y is [n, oc, oh*ow].
            y.data.withUnsafeMutableBufferPointer { py in
                yt.withUnsafeBufferPointer { pt in
                    for i in 0..<cnt {
                        for o in 0..<g.oc {
                            let b = bias?.value.data[o] ?? 0
                            let dst = py.baseAddress! + ((n0 + i) * g.oc + o) * g.ohw
                            let src = pt.baseAddress! + o * cols + i * g.ohw
                            for q in 0..<g.ohw { dst[q] = src[q] + b }
                        }
                    }
                }
            }
            n0 += cnt
        }
        return y
    }

    /// See `NetworkLayer.backward(_:inputGradient:parameterGradients:)`.
    public func backward(_ gy: Tensor, inputGradient: Bool, parameterGradients: Bool) -> Tensor? {
        let g = geometry(input.shape)
        let nb = chunkSize(g)
        var gx: Tensor? = inputGradient ? Tensor(zeros: input.shape) : nil
        var col = [Float](repeating: 0, count: g.ckk * nb * g.ohw)
        var gyt = [Float](repeating: 0, count: g.oc * nb * g.ohw)
        if parameterGradients {
            weight.gradient = Tensor(zeros: weight.value.shape)
            if let bias {
                // Per channel, summed in a fixed order over the batch.
                var gb = [Float](repeating: 0, count: g.oc)
                gy.data.withUnsafeBufferPointer { pg in
                    for o in 0..<g.oc {
                        var s: Float = 0
                        for i in 0..<g.n {
                            let src = pg.baseAddress! + (i * g.oc + o) * g.ohw
                            for q in 0..<g.ohw { s += src[q] }
                        }
                        gb[o] = s
                    }
                }
                bias.gradient = Tensor(shape: [g.oc], data: gb)
            }
        }
        var n0 = 0
        while n0 < g.n {
            let cnt = min(nb, g.n - n0)
            let cols = cnt * g.ohw
            gy.data.withUnsafeBufferPointer { pg in
                gyt.withUnsafeMutableBufferPointer { pt in
                    for i in 0..<cnt {
                        for o in 0..<g.oc {
                            let src = pg.baseAddress! + ((n0 + i) * g.oc + o) * g.ohw
                            let dst = pt.baseAddress! + o * cols + i * g.ohw
                            for q in 0..<g.ohw { dst[q] = src[q] }
                        }
                    }
                }
            }
            if parameterGradients {
                input.data.withUnsafeBufferPointer { px in
                    col.withUnsafeMutableBufferPointer { pc in
                        im2col(px.baseAddress! + n0 * g.c * g.h * g.w, count: cnt, g, into: pc.baseAddress!)
                    }
                }
                gyt.withUnsafeBufferPointer { pt in
                    col.withUnsafeBufferPointer { pc in
                        weight.gradient.data.withUnsafeMutableBufferPointer { pw in
                            // dW[oc, ckk] += gyt · colᵀ
                            Gemm.multiply(m: g.oc, n: g.ckk, k: cols, a: pt.baseAddress!, lda: cols, transposeA: false,
                                          b: pc.baseAddress!, ldb: cols, transposeB: true,
                                          c: pw.baseAddress!, ldc: g.ckk, accumulate: n0 > 0)
                        }
                    }
                }
            }
            if inputGradient {
                weight.value.data.withUnsafeBufferPointer { pw in
                    gyt.withUnsafeBufferPointer { pt in
                        col.withUnsafeMutableBufferPointer { pc in
                            // dcol[ckk, cols] = Wᵀ · gyt
                            Gemm.multiply(m: g.ckk, n: cols, k: g.oc, a: pw.baseAddress!, lda: g.ckk, transposeA: true,
                                          b: pt.baseAddress!, ldb: cols, transposeB: false,
                                          c: pc.baseAddress!, ldc: cols, accumulate: false)
                        }
                    }
                }
                col.withUnsafeBufferPointer { pc in
                    gx!.data.withUnsafeMutableBufferPointer { px in
                        col2im(pc.baseAddress!, count: cnt, g, into: px.baseAddress! + n0 * g.c * g.h * g.w)
                    }
                }
            }
            n0 += cnt
        }
        return gx
    }

    /// Unfolds `count` images into `[c*k*k, count*oh*ow]` columns (zeros where the window hangs over the padding).
    private func im2col(_ x: UnsafePointer<Float>, count: Int, _ g: Geometry, into col: UnsafeMutablePointer<Float>) {
        Parallel.forEach(g.c, parallel: g.ckk * count * g.ohw >= 1 << 16) { c in
            walkWindows(channel: c, count: count, g) { colIndex, imageIndex in
                col[colIndex] = imageIndex >= 0 ? x[imageIndex] : 0
            }
        }
    }

    /// Folds column gradients back onto the images, adding overlapping windows in a fixed order.
    private func col2im(_ col: UnsafePointer<Float>, count: Int, _ g: Geometry, into x: UnsafeMutablePointer<Float>) {
        Parallel.forEach(g.c, parallel: g.ckk * count * g.ohw >= 1 << 16) { c in
            walkWindows(channel: c, count: count, g) { colIndex, imageIndex in
                if imageIndex >= 0 { x[imageIndex] += col[colIndex] }
            }
        }
    }

    /// Visits every element of one input channel's rows of the unfolded matrix with the image
    /// element it copies (-1 in the padding). One channel per task: tasks touch disjoint image planes
    /// and column rows, and within a task the order is fixed, so folding back is deterministic.
    @inline(__always)
    private func walkWindows(channel c: Int, count: Int, _ g: Geometry, _ visit: (_ colIndex: Int, _ imageIndex: Int) -> Void) {
        let cols = count * g.ohw
        for ki in 0..<g.k {
            for kj in 0..<g.k {
                let row = ((c * g.k + ki) * g.k + kj) * cols
                for i in 0..<count {
                    let plane = (i * g.c + c) * g.h * g.w
                    for oh in 0..<g.oh {
                        let ih = oh * stride - padding + ki
                        let base = row + i * g.ohw + oh * g.ow
                        let rowInside = ih >= 0 && ih < g.h
                        for ow in 0..<g.ow {
                            let iw = ow * stride - padding + kj
                            visit(base + ow, rowInside && iw >= 0 && iw < g.w ? plane + ih * g.w + iw : -1)
                        }
                    }
                }
            }
        }
    }
}
