import Testing
import ZooModel
@testable import ZooTrain

/// Every op's backward against central finite differences of L = Σ y·r for a fixed random r.
struct GradientTests {
    /// Checks dL/dx and dL/dθ of `layer` at `input`; `prepare` runs before every forward (to fix dropout masks).
    func check(_ layer: NetworkLayer, input: Tensor, training: Bool = true, prepare: () -> Void = {},
               sourceLocation: SourceLocation = #_sourceLocation) {
        prepare()
        let y = layer.forward(input, training: training)
        let r = randomTensor(y.shape, seed: 99)
        func loss(_ x: Tensor) -> Double {
            prepare()
            let out = layer.forward(x, training: training)
            var s = 0.0
            for i in 0..<out.count { s += Double(out.data[i]) * Double(r.data[i]) }
            return s
        }
        prepare()
        _ = layer.forward(input, training: training)
        let gx = layer.backward(r, inputGradient: true, parameterGradients: true)
        let numericX = numericGradient(input.data) { loss(Tensor(shape: input.shape, data: $0)) }
        if let gx {
            #expect(gx.shape == input.shape, sourceLocation: sourceLocation)
            let bad = gradientMismatch(gx.data, numericX)
            #expect(bad <= 1, "input gradient off by \(bad)x tolerance", sourceLocation: sourceLocation)
        } else {
            Issue.record("no input gradient", sourceLocation: sourceLocation)
        }
        for p in layer.parameters {
            let analytic = p.gradient.data
            let original = p.value.data
            let numeric = numericGradient(original) { p.value.data = $0; return loss(input) }
            p.value.data = original
            let bad = gradientMismatch(analytic, numeric)
            #expect(bad <= 1, "gradient of \(p.name) off by \(bad)x tolerance", sourceLocation: sourceLocation)
        }
    }

    @Test func dense() {
        let layer = DenseLayer(weight: Parameter(name: "w", value: randomTensor([5, 7], seed: 1)),
                               bias: Parameter(name: "b", value: randomTensor([5], seed: 2)))
        check(layer, input: randomTensor([3, 7], seed: 3))
        // Over the last dimension of a rank-3 input, as PyTorch's Linear.
        check(layer, input: randomTensor([2, 3, 7], seed: 4))
    }

    @Test(arguments: [(1, 1), (2, 1), (1, 0), (2, 2)])
    func conv2d(stride: Int, padding: Int) {
        let layer = Conv2dLayer(weight: Parameter(name: "w", value: randomTensor([3, 2, 3, 3], seed: 5)),
                                bias: Parameter(name: "b", value: randomTensor([3], seed: 6)), stride: stride, padding: padding)
        check(layer, input: randomTensor([2, 2, 6, 5], seed: 7))
    }

    @Test func conv2dWithEveryOption() {
        // Groups, dilation, a rectangular kernel and stride, asymmetric ("same" for stride 2) padding.
        let grouped = Conv2dLayer(weight: Parameter(name: "w", value: randomTensor([4, 1, 3, 2], seed: 40)),
                                  bias: Parameter(name: "b", value: randomTensor([4], seed: 41)),
                                  stride: Size2d(height: 2, width: 1), padding: Padding2d(top: 0, left: 1, bottom: 1, right: 0),
                                  dilation: Size2d(height: 1, width: 2), groups: 2)
        check(grouped, input: randomTensor([2, 2, 6, 5], seed: 42))
        // Depthwise (the direct kernels), stride 2 with TensorFlow's asymmetric padding.
        let depthwise = Conv2dLayer(weight: Parameter(name: "w", value: randomTensor([3, 1, 3, 3], seed: 43)),
                                    bias: nil, stride: Size2d(2), padding: Padding2d(top: 0, left: 0, bottom: 1, right: 1), groups: 3)
        check(depthwise, input: randomTensor([2, 3, 6, 7], seed: 44))
        // 1×1 (the product straight on the planes).
        let pointwise = Conv2dLayer(weight: Parameter(name: "w", value: randomTensor([3, 4, 1, 1], seed: 45)),
                                    bias: Parameter(name: "b", value: randomTensor([3], seed: 46)))
        check(pointwise, input: randomTensor([2, 4, 3, 3], seed: 47))
    }

    @Test func maxAndAveragePool() {
        check(Pool2dLayer(kind: .max, kernel: 2, stride: 2), input: separatedInput([2, 2, 5, 6], seed: 8))
        check(Pool2dLayer(kind: .max, kernel: 3, stride: 1), input: separatedInput([1, 2, 5, 5], seed: 9))
        check(Pool2dLayer(kind: .average, kernel: 2, stride: 1), input: randomTensor([2, 2, 4, 5], seed: 10))
        // The ResNet stem's pooling (3×3, stride 2, padding 1), ceil mode, and averages with and
        // without the padding counted.
        check(Pool2dLayer(kind: .max, kernel: Size2d(3), stride: Size2d(2), padding: Padding2d(1)), input: separatedInput([2, 2, 6, 7], seed: 48))
        check(Pool2dLayer(kind: .max, kernel: Size2d(height: 2, width: 3), stride: Size2d(2),
                          padding: Padding2d(top: 1, left: 0, bottom: 0, right: 1), ceilMode: true),
              input: separatedInput([1, 2, 5, 6], seed: 49))
        check(Pool2dLayer(kind: .average, kernel: Size2d(3), stride: Size2d(2), padding: Padding2d(1), ceilMode: true),
              input: randomTensor([2, 2, 6, 6], seed: 50))
        check(Pool2dLayer(kind: .average, kernel: Size2d(height: 3, width: 2), stride: Size2d(height: 2, width: 1),
                          padding: Padding2d(top: 1, left: 1, bottom: 1, right: 0), countIncludePad: false),
              input: randomTensor([1, 3, 5, 4], seed: 51))
    }

    @Test func globalPoolAndFlatten() {
        check(GlobalAvgPoolLayer(), input: randomTensor([2, 3, 3, 4], seed: 11))
        check(FlattenLayer(), input: randomTensor([2, 3, 2, 2], seed: 12))
    }

    @Test(arguments: ActivationLayer.Kind.allCases)
    func activation(kind: ActivationLayer.Kind) {
        check(ActivationLayer(kind), input: separatedInput([3, 8], seed: 13, gap: 0.11))
        // Wide enough to cross ReLU6's 6 and the hard functions' ±3, never within a step of them.
        check(ActivationLayer(kind), input: separatedInput([2, 13], seed: 30, gap: 0.55))
    }

    @Test func adaptiveAveragePool() {
        // 5x7 to 1x1, 2x3 and 3x3: PyTorch's bins overlap where the output does not divide the input.
        for (oh, ow) in [(1, 1), (2, 3), (3, 3), (5, 7)] {
            check(AdaptiveAvgPool2dLayer(height: oh, width: ow), input: randomTensor([2, 3, 5, 7], seed: 31))
        }
    }

    @Test func identity() {
        check(IdentityLayer(), input: randomTensor([2, 3, 2], seed: 32))
    }

    @Test func softmax() {
        check(SoftmaxLayer(), input: randomTensor([3, 6], seed: 14, scale: 2))
    }

    @Test func dropoutUsesItsMask() {
        let layer = DropoutLayer(p: 0.4, seed: 1)
        check(layer, input: randomTensor([4, 10], seed: 15)) { layer.reseed(77) }
        // Evaluation mode is the identity.
        let x = randomTensor([2, 5], seed: 16)
        #expect(layer.forward(x, training: false) == x)
    }

    @Test func batchNormTrainingAndEval() {
        func make() -> BatchNormLayer {
            BatchNormLayer(weight: Parameter(name: "g", value: randomTensor([3], seed: 17)),
                           bias: Parameter(name: "b", value: randomTensor([3], seed: 18)),
                           runningMean: ("m", randomTensor([3], seed: 19)),
                           runningVar: ("v", Tensor(shape: [3], data: [0.5, 1.5, 2])), eps: 1e-5, momentum: 0.1)
        }
        check(make(), input: randomTensor([4, 3, 2, 3], seed: 20))
        check(make(), input: randomTensor([6, 3], seed: 21))
        check(make(), input: randomTensor([4, 3, 2, 2], seed: 22), training: false)
    }

    @Test func layerNorm() {
        let layer = LayerNormLayer(weight: Parameter(name: "g", value: randomTensor([6], seed: 23)),
                                   bias: Parameter(name: "b", value: randomTensor([6], seed: 24)), eps: 1e-5)
        check(layer, input: randomTensor([2, 3, 6], seed: 25))
    }

    @Test(arguments: [0.0, 0.1])
    func crossEntropy(smoothing: Double) {
        let logits = randomTensor([4, 5], seed: 26, scale: 2)
        let labels = [0, 3, 4, 1]
        let analytic = Loss.softmaxCrossEntropy(logits: logits, labels: labels, labelSmoothing: smoothing).gradient
        let numeric = numericGradient(logits.data, eps: 1e-3) {
            Loss.softmaxCrossEntropy(logits: Tensor(shape: [4, 5], data: $0), labels: labels, labelSmoothing: smoothing).loss
        }
        #expect(gradientMismatch(analytic.data, numeric, rel: 1e-2, abs: 1e-4) <= 1)
    }

    @Test func meanSquaredError() {
        let prediction = randomTensor([3, 4], seed: 27)
        let target = randomTensor([3, 4], seed: 28)
        let analytic = Loss.meanSquaredError(prediction: prediction, target: target).gradient
        let numeric = numericGradient(prediction.data, eps: 1e-3) {
            Loss.meanSquaredError(prediction: Tensor(shape: [3, 4], data: $0), target: target).loss
        }
        #expect(gradientMismatch(analytic.data, numeric, rel: 1e-2, abs: 1e-4) <= 1)
    }
}
