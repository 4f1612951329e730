/// Batch normalisation over channels (dim 1) of `[N, C]` or `[N, C, H, W]`, as PyTorch's
/// `BatchNorm1d/2d`: training uses the batch's statistics and updates the running ones with
/// `running = (1 - momentum) * running + momentum * batch` (variance unbiased); evaluation uses
/// the running statistics.
///
/// One channel per task, SIMD over each plane: statistics are summed per plane in eight float
/// lanes and across planes in Double (Chan's combination of means and squared deviations), in a
/// fixed order. Forward keeps a reference to its input and the per-channel mean and inverse
/// deviation, not a normalised copy: backward recomputes what it needs, so a training step holds
/// one activation less per batchnorm.
public final class BatchNormLayer: NetworkLayer {
    /// Scale γ `[C]`, or nil (then 1).
    public let weight: Parameter?
    /// Shift β `[C]`, or nil (then 0).
    public let bias: Parameter?
    /// Running mean `[C]` and its checkpoint name.
    public private(set) var runningMean: Tensor
    /// Running (unbiased) variance `[C]`.
    public private(set) var runningVar: Tensor
    let runningMeanName: String
    let runningVarName: String
    /// Added to the variance before the square root.
    public let eps: Double
    /// Weight of the newest batch in the running statistics.
    public let momentum: Double
    private var input = Tensor(zeros: [0])
    private var mean: [Float] = []
    private var invStd: [Float] = []
    private var usedBatchStatistics = false

    /// A batch norm over the given tensors.
    public init(weight: Parameter?, bias: Parameter?, runningMean: (name: String, tensor: Tensor),
                runningVar: (name: String, tensor: Tensor), eps: Double, momentum: Double) {
        self.weight = weight
        self.bias = bias
        self.runningMean = runningMean.tensor
        self.runningVar = runningVar.tensor
        self.runningMeanName = runningMean.name
        self.runningVarName = runningVar.name
        self.eps = eps
        self.momentum = momentum
    }

    /// The weight and bias that exist.
    public var parameters: [Parameter] { [weight, bias].compactMap { $0 } }

    /// Scale, shift and the running statistics, by checkpoint name.
    public var stateTensors: [(name: String, tensor: Tensor)] {
        parameters.map { ($0.name, $0.value) } + [(runningMeanName, runningMean), (runningVarName, runningVar)]
    }

    /// See `NetworkLayer.forward(_:training:)`.
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        input = x
        let n = x.shape[0], c = x.shape[1]
        let spatial = x.count / max(1, n * c)
        let count = n * spatial
        usedBatchStatistics = training
        var means = [Float](repeating: 0, count: c), inverse = [Float](repeating: 0, count: c)
        if training {
            var batchMean = [Double](repeating: 0, count: c), batchVar = [Double](repeating: 0, count: c)
            x.data.withUnsafeBufferPointer { px in
                batchMean.withUnsafeMutableBufferPointer { pm in
                    batchVar.withUnsafeMutableBufferPointer { pv in
                        let m = UncheckedSendable(value: pm.baseAddress!), v = UncheckedSendable(value: pv.baseAddress!)
                        Parallel.forEach(c, parallel: x.count >= 1 << 15) { ch in
                            let (mu, m2) = Self.statistics(px.baseAddress!, channel: ch, batch: n, channels: c, spatial: spatial)
                            m.value[ch] = mu
                            v.value[ch] = m2 / Double(max(1, count))
                        }
                    }
                }
            }
            for ch in 0..<c {
                let unbiased = count > 1 ? batchVar[ch] * Double(count) / Double(count - 1) : batchVar[ch]
                runningMean.data[ch] = Float((1 - momentum) * Double(runningMean.data[ch]) + momentum * batchMean[ch])
                runningVar.data[ch] = Float((1 - momentum) * Double(runningVar.data[ch]) + momentum * unbiased)
                means[ch] = Float(batchMean[ch])
                inverse[ch] = Float(1 / (batchVar[ch] + eps).squareRoot())
            }
        } else {
            for ch in 0..<c {
                means[ch] = runningMean.data[ch]
                inverse[ch] = Float(1 / (Double(runningVar.data[ch]) + eps).squareRoot())
            }
        }
        mean = means
        invStd = inverse
        // y = x·a + b with a = γ/σ, b = β - μ·a.
        var scale = [Float](repeating: 0, count: c), shift = [Float](repeating: 0, count: c)
        for ch in 0..<c {
            let gamma = weight?.value.data[ch] ?? 1, beta = bias?.value.data[ch] ?? 0
            scale[ch] = gamma * inverse[ch]
            shift[ch] = beta - means[ch] * scale[ch]
        }
        let y = uninitializedFloats(x.count) { py in
            x.data.withUnsafeBufferPointer { px in
                Self.affine(px.baseAddress!, planes: n * c, channels: c, spatial: spatial,
                            a: scale, b: shift, into: py)
            }
        }
        return Tensor(shape: x.shape, data: y)
    }

    /// See `NetworkLayer.backward(_:inputGradient:parameterGradients:)`.
    public func backward(_ gy: Tensor, inputGradient: Bool, parameterGradients: Bool) -> Tensor? {
        let n = input.shape[0], c = input.shape[1]
        let spatial = gy.count / max(1, n * c)
        let count = Float(n * spatial)
        // Σ dy and Σ dy·(x - μ) per channel.
        var sumG = [Float](repeating: 0, count: c), sumGX = [Float](repeating: 0, count: c)
        gy.data.withUnsafeBufferPointer { pg in
            input.data.withUnsafeBufferPointer { px in
                sumG.withUnsafeMutableBufferPointer { ps in
                    sumGX.withUnsafeMutableBufferPointer { pq in
                        let s = UncheckedSendable(value: ps.baseAddress!), q = UncheckedSendable(value: pq.baseAddress!)
                        mean.withUnsafeBufferPointer { pm in
                            Parallel.forEach(c, parallel: gy.count >= 1 << 15) { ch in
                                let (g, gx) = Self.gradientSums(pg.baseAddress!, px.baseAddress!, mean: pm[ch], channel: ch,
                                                                batch: n, channels: c, spatial: spatial)
                                s.value[ch] = Float(g)
                                q.value[ch] = Float(gx)
                            }
                        }
                    }
                }
            }
        }
        if parameterGradients {
            weight?.gradient = Tensor(shape: [c], data: (0..<c).map { sumGX[$0] * invStd[$0] })
            bias?.gradient = Tensor(shape: [c], data: sumG)
        }
        guard inputGradient else { return nil }
        // dx = s·dy + k·(x - μ) + d per channel, s = γ/σ; with batch statistics
        // k = -s·Σdy·(x - μ)/(σ²·count) and d = -s·Σdy/count, else k = d = 0.
        var a = [Float](repeating: 0, count: c), b = [Float](repeating: 0, count: c), d = [Float](repeating: 0, count: c)
        for ch in 0..<c {
            let s = (weight?.value.data[ch] ?? 1) * invStd[ch]
            a[ch] = s
            if usedBatchStatistics {
                b[ch] = -s * invStd[ch] * invStd[ch] * sumGX[ch] / count
                d[ch] = -s * sumG[ch] / count
            }
        }
        let gx = uninitializedFloats(gy.count) { out in
            gy.data.withUnsafeBufferPointer { pg in
                input.data.withUnsafeBufferPointer { px in
                    if usedBatchStatistics {
                        Self.combine(pg.baseAddress!, px.baseAddress!, mean: mean, planes: n * c, channels: c, spatial: spatial,
                                     a: a, b: b, d: d, into: out)
                    } else {
                        Self.affine(pg.baseAddress!, planes: n * c, channels: c, spatial: spatial, a: a, b: d, into: out)
                    }
                }
            }
        }
        return Tensor(shape: input.shape, data: gx)
    }

    /// Mean and sum of squared deviations of one channel: per plane in float lanes, planes combined
    /// in Double (Chan et al.), so a large batch loses no precision to cancellation.
    static func statistics(_ x: UnsafePointer<Float>, channel: Int, batch: Int, channels: Int, spatial: Int) -> (Double, Double) {
        var mean = 0.0, m2 = 0.0, seen = 0.0
        for i in 0..<batch {
            let p = x + (i * channels + channel) * spatial
            let planeSum = Double(Convolution.sum(p, count: spatial))
            let planeMean = planeSum / Double(spatial)
            let mu = Float(planeMean)
            var lanes = SIMD8<Float>(), tail: Float = 0
            let raw = UnsafeRawPointer(p)
            var q = 0
            while q + 8 <= spatial {
                let dv = raw.loadUnaligned(fromByteOffset: q * 4, as: SIMD8<Float>.self) - mu
                lanes = fused(lanes, dv, dv)
                q += 8
            }
            while q < spatial { let dv = p[q] - mu; tail += dv * dv; q += 1 }
            // Deviations from the float mean; correct for its rounding against the Double mean.
            let shiftSum = planeSum - Double(mu) * Double(spatial)
            let planeM2 = Double(lanes.sum() + tail) - shiftSum * shiftSum / Double(spatial)
            let n = Double(spatial), total = seen + n
            let delta = planeMean - mean
            mean += delta * n / total
            m2 += planeM2 + delta * delta * seen * n / total
            seen = total
        }
        return (mean, m2)
    }

    /// Σ dy and Σ dy·(x - μ) over one channel, per plane in float lanes, across planes in Double.
    static func gradientSums(_ gy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, mean: Float, channel: Int,
                             batch: Int, channels: Int, spatial: Int) -> (Double, Double) {
        var g = 0.0, gx = 0.0
        for i in 0..<batch {
            let offset = (i * channels + channel) * spatial
            let pg = UnsafeRawPointer(gy + offset), pxr = UnsafeRawPointer(x + offset)
            var sg = SIMD8<Float>(), sgx = SIMD8<Float>(), tg: Float = 0, tgx: Float = 0
            var q = 0
            while q + 8 <= spatial {
                let dv = pg.loadUnaligned(fromByteOffset: q * 4, as: SIMD8<Float>.self)
                let xv = pxr.loadUnaligned(fromByteOffset: q * 4, as: SIMD8<Float>.self) - mean
                sg += dv
                sgx = fused(sgx, dv, xv)
                q += 8
            }
            while q < spatial {
                let dv = gy[offset + q]
                tg += dv
                tgx += dv * (x[offset + q] - mean)
                q += 1
            }
            g += Double(sg.sum() + tg)
            gx += Double(sgx.sum() + tgx)
        }
        return (g, gx)
    }

    /// `out = x·a[c] + b[c]` per plane of channel c.
    static func affine(_ x: UnsafePointer<Float>, planes: Int, channels: Int, spatial: Int,
                       a: [Float], b: [Float], into out: UnsafeMutablePointer<Float>) {
        let dst = UncheckedSendable(value: out)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                Parallel.forEach(planes, parallel: planes * spatial >= 1 << 15) { plane in
                    let ch = plane % channels
                    let s = x + plane * spatial, o = dst.value + plane * spatial
                    let av = SIMD8<Float>(repeating: pa[ch]), bv = SIMD8<Float>(repeating: pb[ch])
                    let rs = UnsafeRawPointer(s), ro = UnsafeMutableRawPointer(o)
                    var q = 0
                    while q + 8 <= spatial {
                        ro.storeBytes(of: fused(bv, rs.loadUnaligned(fromByteOffset: q * 4, as: SIMD8<Float>.self), av),
                                      toByteOffset: q * 4, as: SIMD8<Float>.self)
                        q += 8
                    }
                    while q < spatial { o[q] = s[q] * pa[ch] + pb[ch]; q += 1 }
                }
            }
        }
    }

    /// `out = gy·a[c] + (x - mean[c])·b[c] + d[c]` per plane of channel c (the deviation taken first,
    /// so a large mean cancels exactly).
    static func combine(_ gy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, mean: [Float], planes: Int, channels: Int,
                        spatial: Int, a: [Float], b: [Float], d: [Float], into out: UnsafeMutablePointer<Float>) {
        let dst = UncheckedSendable(value: out)
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                d.withUnsafeBufferPointer { pd in
                    mean.withUnsafeBufferPointer { pm in
                        Parallel.forEach(planes, parallel: planes * spatial >= 1 << 15) { plane in
                            let ch = plane % channels
                            let offset = plane * spatial
                            let av = SIMD8<Float>(repeating: pa[ch]), bv = SIMD8<Float>(repeating: pb[ch])
                            let dv = SIMD8<Float>(repeating: pd[ch]), mv = SIMD8<Float>(repeating: pm[ch])
                            let rg = UnsafeRawPointer(gy + offset), rx = UnsafeRawPointer(x + offset)
                            let ro = UnsafeMutableRawPointer(dst.value + offset)
                            var q = 0
                            while q + 8 <= spatial {
                                let g = rg.loadUnaligned(fromByteOffset: q * 4, as: SIMD8<Float>.self)
                                let xv = rx.loadUnaligned(fromByteOffset: q * 4, as: SIMD8<Float>.self) - mv
                                ro.storeBytes(of: fused(fused(dv, xv, bv), g, av), toByteOffset: q * 4, as: SIMD8<Float>.self)
                                q += 8
                            }
                            while q < spatial {
                                dst.value[offset + q] = gy[offset + q] * pa[ch] + (x[offset + q] - pm[ch]) * pb[ch] + pd[ch]
                                q += 1
                            }
                        }
                    }
                }
            }
        }
    }
}
