import Testing
import ZooModel
@testable import ZooTrain

/// Whole blocks (formats/examples/blocks.json at tiny sizes) against central finite differences of
/// L = Σ y·r, at a fixed sample of the input's and every parameter's entries (all of them for
/// small tensors), in training mode (batch statistics) and evaluation mode.
///
/// A block's ReLUs see many pre-activations (the squeeze-and-excitation ReLU's are all within ±0.3),
/// so some lie within a step of 0 and a central difference across that kink is off; and in training
/// mode three batchnorms in a row amplify the Float rounding of the loss. An entry therefore passes
/// when a central difference (step `eps`, or `4·eps` against rounding) agrees, or a one-sided one
/// does: a kink near x lies on one side of it, and the difference on the other side is the
/// derivative at x. A wrong gradient disagrees with all of them.
struct BlockGradientTests {
    /// Up to `limit` evenly spread indices of `0..<count`.
    func sample(_ count: Int, limit: Int = 20) -> [Int] {
        count <= limit ? Array(0..<count) : (0..<limit).map { $0 * count / limit + ($0 * 7) % max(1, count / limit) }
    }

    func check(_ layer: NetworkLayer, input: Tensor, training: Bool, eps: Float = 1e-3,
               sourceLocation: SourceLocation = #_sourceLocation) {
        let y = layer.forward(input, training: training)
        let r = randomTensor(y.shape, seed: 97)
        func loss(_ x: Tensor) -> Double {
            let out = layer.forward(x, training: training)
            var s = 0.0
            for i in 0..<out.count { s += Double(out.data[i]) * Double(r.data[i]) }
            return s
        }
        _ = layer.forward(input, training: training)
        guard let gx = layer.backward(r, inputGradient: true, parameterGradients: true) else {
            Issue.record("no input gradient", sourceLocation: sourceLocation)
            return
        }
        /// The worst entry of `analytic` against differences of `f(values)` (central, else one-sided).
        func worst(_ analytic: [Float], _ values: [Float], picks: [Int], _ f: ([Float]) -> Double) -> Double {
            var worst = 0.0
            for i in picks {
                func difference(_ step: Float) -> Double {
                    var v = values
                    v[i] = values[i] + step
                    let up = f(v)
                    v[i] = values[i] - step
                    return (up - f(v)) / Double(2 * step)
                }
                func oneSided(_ step: Float) -> Double {
                    var v = values
                    let at = f(v)
                    v[i] = values[i] + step
                    return (f(v) - at) / Double(step)
                }
                // A deep block in training mode amplifies Float rounding in the loss; a longer step
                // averages it away.
                var best = gradientMismatch([analytic[i]], [difference(eps)])
                if best > 1 { best = min(best, gradientMismatch([analytic[i]], [difference(4 * eps)])) }
                // One-sided differences carry an O(step) curvature error and more rounding: looser.
                if best > 1 { best = min(best, gradientMismatch([analytic[i]], [oneSided(eps / 2)], rel: 4e-2, abs: 5e-3)) }
                if best > 1 { best = min(best, gradientMismatch([analytic[i]], [oneSided(-eps / 2)], rel: 4e-2, abs: 5e-3)) }
                worst = max(worst, best)
            }
            return worst
        }
        let badX = worst(gx.data, input.data, picks: sample(input.count, limit: 48)) { loss(Tensor(shape: input.shape, data: $0)) }
        #expect(badX <= 1, "input gradient off by \(badX)x tolerance", sourceLocation: sourceLocation)
        #expect(!layer.parameters.isEmpty, sourceLocation: sourceLocation)
        for p in layer.parameters {
            let original = p.value.data
            let bad = worst(p.gradient.data, original, picks: sample(original.count)) { v in
                p.value.data = v
                return loss(input)
            }
            p.value.data = original
            #expect(bad <= 1, "gradient of \(p.name) off by \(bad)x tolerance", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [true, false])
    func basicBlockWithDownsample(training: Bool) throws {
        let (net, _) = try BlockExamples.network(try BlockExamples.layer("layer1.0"), input: [8, 4, 4])
        #expect(net.outputShape == [16, 2, 2])
        check(net.layers[0], input: randomTensor([2, 8, 4, 4], seed: 40), training: training)
    }

    @Test(arguments: [true, false])
    func squeezeExcitationInvertedResidual(training: Bool) throws {
        // As written (a depthwise 3x3) where the conv kernels run groups; else with a dense 3x3.
        let net: Network
        do {
            net = try BlockExamples.network(try BlockExamples.layer("features.2", denseDepthwise: false), input: [16, 3, 3]).0
        } catch let error as TrainError where error.kind == .unsupportedLayer {
            net = try BlockExamples.network(try BlockExamples.layer("features.2"), input: [16, 3, 3]).0
        }
        #expect(net.outputShape == [16, 3, 3])
        let block = try #require(net.layers[0] as? BlockLayer)
        // The squeeze's ReLU sees only 2 x 8 pre-activations, all within ±0.3, and one within 1e-4
        // of the kink defeats every difference. The input is the first of a fixed list of seeds
        // whose pre-activations all keep 0.005 from the kink (the differences' precondition).
        func squeezed(_ x: Tensor) -> Tensor {
            var t = x
            for (name, step) in zip(block.nodeNames, block.steps) {
                guard case .single(let layer) = step else { continue }
                t = layer.forward(t, training: training)
                if name == "block.2.fc1" { break }
            }
            return t
        }
        let x = try #require((41...80).lazy.map { randomTensor([2, 16, 3, 3], seed: UInt64($0)) }
            .first { squeezed($0).data.allSatisfy { abs($0) > 0.005 } })
        #expect(squeezed(x).shape == [2, 8, 1, 1])
        check(block, input: x, training: training)
    }

    @Test(arguments: [true, false])
    func concatenationOfBranches(training: Bool) throws {
        let (net, _) = try BlockExamples.network(try BlockExamples.layer("mixed"), input: [16, 3, 4])
        #expect(net.outputShape == [16, 3, 4])
        check(net.layers[0], input: randomTensor([2, 16, 3, 4], seed: 42), training: training)
    }

    @Test func inputGradientIsSkippedWhenNotAsked() throws {
        let (net, _) = try BlockExamples.network(try BlockExamples.layer("layer1.0"), input: [8, 4, 4])
        let block = net.layers[0]
        let x = randomTensor([2, 8, 4, 4], seed: 43)
        let y = block.forward(x, training: true)
        let r = randomTensor(y.shape, seed: 44)
        #expect(block.backward(r, inputGradient: false, parameterGradients: true) == nil)
        let withoutInput = block.parameters.map(\.gradient)
        _ = block.forward(x, training: true)
        _ = block.backward(r, inputGradient: true, parameterGradients: true)
        // The parameters' gradients do not depend on whether the input's was computed.
        #expect(block.parameters.map(\.gradient) == withoutInput)
    }
}
