/// Batch normalisation over channels (dim 1) of `[N, C]` or `[N, C, H, W]`, as PyTorch's
/// `BatchNorm1d/2d`: training uses the batch's statistics and updates the running ones with
/// `running = (1 - momentum) * running + momentum * batch` (variance unbiased); evaluation uses
/// the running statistics.
///
/// Memory traffic is what limits this layer on large feature maps, so it keeps a reference to its
/// input (no copy, no normalised copy) and recomputes `x̂` in backward; each channel is one task
/// (channels run on all cores), summed in a fixed order, so results do not depend on the thread
/// count. Forward reads each channel twice for the statistics and once more to write the output,
/// while the channel is still in cache; backward reads the gradient and the input twice and
/// writes the input gradient over the output gradient.
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

    /// `(n, c, spatial)` of an `[N, C, ...]` shape.
    private static func dims(_ shape: [Int], _ count: Int) -> (n: Int, c: Int, spatial: Int) {
        let n = shape[0], c = shape.count > 1 ? shape[1] : 1
        return (n, c, count / max(1, n * c))
    }

    /// See `NetworkLayer.forward(_:training:)`.
    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        var y = x
        forward(updating: &y, training: training)
        return y
    }

    /// See `NetworkLayer.forward(updating:training:)`.
    public func forward(updating x: inout Tensor, training: Bool) {
        input = x
        let (n, c, spatial) = Self.dims(x.shape, x.count)
        let count = n * spatial
        usedBatchStatistics = training
        var mean = [Float](repeating: 0, count: c), invStd = [Float](repeating: 0, count: c)
        var batchVar = [Double](repeating: 0, count: c)
        let eps = self.eps
        let parallel = x.count >= Parallel.elementwiseThreshold
        let gamma = weight?.value.data, beta = bias?.value.data
        let y = x.data.withUnsafeBufferPointer { px in
            // Every element is written below (each channel of each sample).
            Elementwise.array(count: px.count) { dst in
                mean.withUnsafeMutableBufferPointer { pm in
                    invStd.withUnsafeMutableBufferPointer { pi in
                        batchVar.withUnsafeMutableBufferPointer { pv in
                            runningMean.data.withUnsafeBufferPointer { rm in
                                runningVar.data.withUnsafeBufferPointer { rv in
                                    guard let src = px.baseAddress else { return }
                                    Parallel.forEach(c, parallel: parallel) { ch in
                                        let m: Double, v: Double
                                        if training {
                                            m = Self.channelSum(src, n: n, c: c, spatial: spatial, ch: ch) / Double(count)
                                            v = Self.channelSquaredDeviation(src, n: n, c: c, spatial: spatial, ch: ch, mean: Float(m)) / Double(count)
                                            pv[ch] = v
                                        } else {
                                            m = Double(rm[ch])
                                            v = Double(rv[ch])
                                        }
                                        let inv = Float(1 / (v + eps).squareRoot())
                                        pm[ch] = Float(m)
                                        pi[ch] = inv
                                        // y = x·a + b with a = γ/σ, b = β - μ·a, as PyTorch's CPU kernel.
                                        let a = (gamma?[ch] ?? 1) * inv
                                        let b = (beta?[ch] ?? 0) - Float(m) * a
                                        let va = Elementwise.V(repeating: a), vb = Elementwise.V(repeating: b)
                                        for i in 0..<n {
                                            let base = (i * c + ch) * spatial
                                            if spatial == 1 {
                                                dst[base] = src[base] * a + b
                                            } else {
                                                Elementwise.map(src + base, dst + base, 0..<spatial, { $0 * va + vb }, { $0 * a + b })
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if training {
            // Running variance is unbiased, as PyTorch's.
            let correction = count > 1 ? Double(count) / Double(count - 1) : 1
            for ch in 0..<c {
                runningMean.data[ch] = Float((1 - momentum) * Double(runningMean.data[ch]) + momentum * Double(mean[ch]))
                runningVar.data[ch] = Float((1 - momentum) * Double(runningVar.data[ch]) + momentum * batchVar[ch] * correction)
            }
        }
        self.mean = mean
        self.invStd = invStd
        x = Tensor(shape: x.shape, data: y)
    }

    /// See `NetworkLayer.releaseSaved()`.
    public func releaseSaved() { input = Tensor(zeros: [0]) }

    /// Elements kept for backward (tests of `releaseSaved`).
    var savedElements: Int { input.count }

    /// Σ over one channel of the batch.
    private static func channelSum(_ x: UnsafePointer<Float>, n: Int, c: Int, spatial: Int, ch: Int) -> Double {
        var s = 0.0
        for i in 0..<n { s += Elementwise.sum(x + (i * c + ch) * spatial, spatial) }
        return s
    }

    /// Σ (x - mean)² over one channel of the batch (the two-pass variance, which does not cancel).
    private static func channelSquaredDeviation(_ x: UnsafePointer<Float>, n: Int, c: Int, spatial: Int, ch: Int, mean: Float) -> Double {
        let vm = Elementwise.V(repeating: mean)
        var s = 0.0
        for i in 0..<n {
            let p = x + (i * c + ch) * spatial
            s += Elementwise.sum(p, p, spatial, { a, _ in (a - vm) * (a - vm) }, { a, _ in (a - mean) * (a - mean) })
        }
        return s
    }

    /// See `NetworkLayer.backward(_:inputGradient:parameterGradients:)`.
    public func backward(_ gy: Tensor, inputGradient: Bool, parameterGradients: Bool) -> Tensor? {
        var g = gy
        backward(updating: &g, inputGradient: inputGradient, parameterGradients: parameterGradients)
        return inputGradient ? g : nil
    }

    /// See `NetworkLayer.backward(updating:inputGradient:parameterGradients:)`.
    public func backward(updating g: inout Tensor, inputGradient: Bool, parameterGradients: Bool) {
        let (n, c, spatial) = Self.dims(input.shape, input.count)
        let count = Double(n * spatial)
        var gGamma = [Float](repeating: 0, count: c), gBeta = [Float](repeating: 0, count: c)
        let batch = usedBatchStatistics
        let gamma = weight?.value.data
        let parallel = g.count >= Parallel.elementwiseThreshold
        let total = g.count
        g.data.withUnsafeMutableBufferPointer { pg in
            input.data.withUnsafeBufferPointer { px in
                mean.withUnsafeBufferPointer { pm in
                    invStd.withUnsafeBufferPointer { pi in
                        gGamma.withUnsafeMutableBufferPointer { pgg in
                            gBeta.withUnsafeMutableBufferPointer { pgb in
                                guard let gp = pg.baseAddress, let xp = px.baseAddress, total > 0 else { return }
                                Parallel.forEach(c, parallel: parallel) { ch in
                                    let m = pm[ch], inv = pi[ch]
                                    let vm = Elementwise.V(repeating: m)
                                    // Σ gy and Σ gy·(x - μ) over the channel.
                                    var sumG = 0.0, sumGX = 0.0
                                    for i in 0..<n {
                                        let base = (i * c + ch) * spatial
                                        sumG += Elementwise.sum(UnsafePointer(gp + base), spatial)
                                        sumGX += Elementwise.sum(UnsafePointer(gp + base), xp + base, spatial,
                                                                 { g, x in g * (x - vm) }, { g, x in g * (x - m) })
                                    }
                                    let sumGH = sumGX * Double(inv)
                                    pgg[ch] = Float(sumGH)
                                    pgb[ch] = Float(sumG)
                                    guard inputGradient else { return }
                                    let scale = Double(gamma?[ch] ?? 1) * Double(inv)
                                    // Batch statistics: gx = scale·(gy - Σgy/n - x̂·Σgy·x̂/n) = a·gy + b·x + k.
                                    let a = Float(scale)
                                    let b = batch ? Float(-scale * Double(inv) * sumGH / count) : 0
                                    let k = batch ? Float(-scale * sumG / count) - b * m : 0
                                    let va = Elementwise.V(repeating: a), vb = Elementwise.V(repeating: b), vk = Elementwise.V(repeating: k)
                                    for i in 0..<n {
                                        let base = (i * c + ch) * spatial
                                        Elementwise.zip(UnsafePointer(gp + base), xp + base, gp + base, 0..<spatial,
                                                        { g, x in g * va + (x * vb + vk) }, { g, x in g * a + (x * b + k) })
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if parameterGradients {
            weight?.gradient = Tensor(shape: [c], data: gGamma)
            bias?.gradient = Tensor(shape: [c], data: gBeta)
        }
    }
}
