import Testing
@testable import ZooTrain

/// Batch normalisation against a Double reference, with a large offset mean (cancellation) and
/// planes of a size that leaves ragged SIMD tails.
struct BatchNormTests {
    @Test func trainingStatisticsAndGradientsMatchDouble() {
        let (n, c, plane) = (5, 3, 37)
        var x = randomTensor([n, c, 37], seed: 60)
        for i in 0..<x.count { x.data[i] += 100 + Float(i % c) }
        x = x.reshaped([n, c, 37, 1])
        let gamma = randomTensor([c], seed: 61), beta = randomTensor([c], seed: 62)
        let layer = BatchNormLayer(weight: Parameter(name: "g", value: gamma), bias: Parameter(name: "b", value: beta),
                                   runningMean: ("m", Tensor(zeros: [c])), runningVar: ("v", Tensor(shape: [c], data: [1, 1, 1])),
                                   eps: 1e-5, momentum: 0.1)
        let y = layer.forward(x, training: true)
        let gy = randomTensor(y.shape, seed: 63)
        let gx = layer.backward(gy, inputGradient: true, parameterGradients: true)!
        let count = Double(n * plane)
        for ch in 0..<c {
            let idx = (0..<n).flatMap { i in (0..<plane).map { (i * c + ch) * plane + $0 } }
            let mean = idx.reduce(0.0) { $0 + Double(x.data[$1]) } / count
            let variance = idx.reduce(0.0) { $0 + (Double(x.data[$1]) - mean) * (Double(x.data[$1]) - mean) } / count
            let inv = 1 / (variance + 1e-5).squareRoot()
            let g = Double(gamma.data[ch]), b = Double(beta.data[ch])
            let sumG = idx.reduce(0.0) { $0 + Double(gy.data[$1]) }
            let sumGH = idx.reduce(0.0) { $0 + Double(gy.data[$1]) * (Double(x.data[$1]) - mean) * inv }
            var worstY = 0.0, worstX = 0.0
            for i in idx {
                let h = (Double(x.data[i]) - mean) * inv
                worstY = max(worstY, abs(Double(y.data[i]) - (h * g + b)))
                let ref = g * inv * (Double(gy.data[i]) - sumG / count - h * sumGH / count)
                worstX = max(worstX, abs(Double(gx.data[i]) - ref))
            }
            #expect(worstY < 1e-4, "channel \(ch) output")
            #expect(worstX < 1e-4, "channel \(ch) input gradient")
            #expect(abs(Double(layer.weight!.gradient.data[ch]) - sumGH) < 1e-3 * (1 + abs(sumGH)))
            #expect(abs(Double(layer.bias!.gradient.data[ch]) - sumG) < 1e-4 * (1 + abs(sumG)))
            let unbiased = variance * count / (count - 1)
            #expect(abs(Double(layer.runningMean.data[ch]) - 0.1 * mean) < 1e-4 * (1 + mean))
            #expect(abs(Double(layer.runningVar.data[ch]) - (0.9 + 0.1 * unbiased)) < 1e-4)
        }
    }
}
