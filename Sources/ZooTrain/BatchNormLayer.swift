/// Batch normalisation over channels (dim 1) of `[N, C]` or `[N, C, H, W]`, as PyTorch's
/// `BatchNorm1d/2d`: training uses the batch's statistics and updates the running ones with
/// `running = (1 - momentum) * running + momentum * batch` (variance unbiased); evaluation uses
/// the running statistics.
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
    private var xhat: [Float] = []
    private var invStd: [Float] = []
    private var inputShape: [Int] = []
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
        inputShape = x.shape
        let n = x.shape[0], c = x.shape[1]
        let spatial = x.count / max(1, n * c)
        let count = n * spatial
        var y = Tensor(zeros: x.shape)
        xhat = [Float](repeating: 0, count: x.count)
        invStd = [Float](repeating: 0, count: c)
        usedBatchStatistics = training
        for ch in 0..<c {
            let mean: Double, variance: Double
            if training {
                var s = 0.0, s2 = 0.0
                for i in 0..<n {
                    let base = (i * c + ch) * spatial
                    for q in 0..<spatial { s += Double(x.data[base + q]) }
                }
                mean = s / Double(count)
                for i in 0..<n {
                    let base = (i * c + ch) * spatial
                    for q in 0..<spatial { let d = Double(x.data[base + q]) - mean; s2 += d * d }
                }
                variance = s2 / Double(count)
                let unbiased = count > 1 ? s2 / Double(count - 1) : variance
                runningMean.data[ch] = Float((1 - momentum) * Double(runningMean.data[ch]) + momentum * mean)
                runningVar.data[ch] = Float((1 - momentum) * Double(runningVar.data[ch]) + momentum * unbiased)
            } else {
                mean = Double(runningMean.data[ch])
                variance = Double(runningVar.data[ch])
            }
            let inv = Float(1 / (variance + eps).squareRoot())
            invStd[ch] = inv
            let gamma = weight?.value.data[ch] ?? 1, beta = bias?.value.data[ch] ?? 0
            let m = Float(mean)
            for i in 0..<n {
                let base = (i * c + ch) * spatial
                for q in 0..<spatial {
                    let h = (x.data[base + q] - m) * inv
                    xhat[base + q] = h
                    y.data[base + q] = h * gamma + beta
                }
            }
        }
        return y
    }

    /// See `NetworkLayer.backward(_:inputGradient:parameterGradients:)`.
    public func backward(_ gy: Tensor, inputGradient: Bool, parameterGradients: Bool) -> Tensor? {
        let n = inputShape[0], c = inputShape[1]
        let spatial = gy.count / max(1, n * c)
        let count = Float(n * spatial)
        var gx: Tensor? = inputGradient ? Tensor(zeros: inputShape) : nil
        var gGamma = [Float](repeating: 0, count: c), gBeta = [Float](repeating: 0, count: c)
        for ch in 0..<c {
            var sumG: Float = 0, sumGH: Float = 0
            for i in 0..<n {
                let base = (i * c + ch) * spatial
                for q in 0..<spatial {
                    sumG += gy.data[base + q]
                    sumGH += gy.data[base + q] * xhat[base + q]
                }
            }
            gGamma[ch] = sumGH
            gBeta[ch] = sumG
            guard inputGradient else { continue }
            let gamma = weight?.value.data[ch] ?? 1
            let scale = gamma * invStd[ch]
            for i in 0..<n {
                let base = (i * c + ch) * spatial
                for q in 0..<spatial {
                    if usedBatchStatistics {
                        gx!.data[base + q] = scale * (gy.data[base + q] - sumG / count - xhat[base + q] * sumGH / count)
                    } else {
                        gx!.data[base + q] = scale * gy.data[base + q]
                    }
                }
            }
        }
        if parameterGradients {
            weight?.gradient = Tensor(shape: [c], data: gGamma)
            bias?.gradient = Tensor(shape: [c], data: gBeta)
        }
        return gx
    }
}
