import Testing
@testable import ZooTrain

/// add, mul (broadcast) and concat: forward against the definition, backward against central
/// finite differences of L = Σ y·r.
struct MergeGradientTests {
    func check(_ layer: MergeLayer, inputs: [Tensor], sourceLocation: SourceLocation = #_sourceLocation) {
        var copy = inputs
        let y = layer.forward(&copy, training: true)
        let r = randomTensor(y.shape, seed: 98)
        func loss(_ xs: [Tensor]) -> Double {
            var xs = xs
            let out = layer.forward(&xs, training: true)
            var s = 0.0
            for i in 0..<out.count { s += Double(out.data[i]) * Double(r.data[i]) }
            return s
        }
        copy = inputs
        _ = layer.forward(&copy, training: true)
        let grads = layer.backward(r, needed: inputs.map { _ in true })
        for k in inputs.indices {
            guard let g = grads[k] else { Issue.record("no gradient for input \(k)", sourceLocation: sourceLocation); continue }
            #expect(g.shape == inputs[k].shape, sourceLocation: sourceLocation)
            let numeric = numericGradient(inputs[k].data) { v in
                var xs = inputs
                xs[k] = Tensor(shape: inputs[k].shape, data: v)
                return loss(xs)
            }
            let bad = gradientMismatch(g.data, numeric)
            #expect(bad <= 1, "input \(k) gradient off by \(bad)x tolerance", sourceLocation: sourceLocation)
        }
        // Only what is asked for is computed.
        copy = inputs
        _ = layer.forward(&copy, training: true)
        let some = layer.backward(r, needed: inputs.indices.map { $0 == 0 })
        #expect(some[0] != nil && some.dropFirst().allSatisfy { $0 == nil }, sourceLocation: sourceLocation)
    }

    @Test func add() {
        let a = randomTensor([2, 3, 4], seed: 1), b = randomTensor([2, 3, 4], seed: 2), c = randomTensor([2, 3, 4], seed: 3)
        var inputs = [a, b, c]
        let y = AddLayer().forward(&inputs, training: false)
        let sum: [Float] = (0..<a.count).map { i -> Float in a.data[i] + b.data[i] + c.data[i] }
        #expect(y.data == sum)
        check(AddLayer(), inputs: [a, b])
        check(AddLayer(), inputs: [a, b, c])
    }

    @Test func addDoesNotWriteOverAnInputSomeoneElseHolds() {
        let a = randomTensor([2, 5], seed: 4), b = randomTensor([2, 5], seed: 5)
        let kept = a
        var inputs = [a, b]
        _ = AddLayer().forward(&inputs, training: false)
        #expect(kept == a)
    }

    @Test func mulBroadcastsTheSqueezeAndExcitationGate() {
        let x = randomTensor([2, 3, 4, 5], seed: 6), gate = randomTensor([2, 3, 1, 1], seed: 7)
        var inputs = [x, gate]
        let y = MulLayer().forward(&inputs, training: false)
        #expect(y.shape == [2, 3, 4, 5])
        #expect(y.data[(1 * 3 + 2) * 20 + 7] == x.data[(1 * 3 + 2) * 20 + 7] * gate.data[1 * 3 + 2])
        check(MulLayer(), inputs: [x, gate])
        check(MulLayer(), inputs: [gate, x])
        // Large enough to take the multi-threaded path: the same values as the small-path definition.
        let bigX = randomTensor([4, 16, 32, 33], seed: 8), bigGate = randomTensor([4, 16, 1, 1], seed: 9)
        var big = [bigX, bigGate]
        let out = MulLayer().forward(&big, training: false)
        let product: [Float] = bigX.data.indices.map { i -> Float in bigX.data[i] * bigGate.data[i / (32 * 33)] }
        #expect(out.data == product)
    }

    @Test func mulGeneralBroadcastAndThreeInputs() {
        let a = randomTensor([2, 1, 3, 1], seed: 10), b = randomTensor([2, 2, 1, 4], seed: 11), c = randomTensor([2, 2, 3, 4], seed: 12)
        var inputs = [a, b]
        let y = MulLayer().forward(&inputs, training: false)
        #expect(y.shape == [2, 2, 3, 4])
        // Element (n=1, c=1, h=2, w=3) is a[1, 0, 2, 0] · b[1, 1, 0, 3].
        let at: Int = ((1 * 2 + 1) * 3 + 2) * 4 + 3
        let expected: Float = a.data[5] * b.data[15]
        #expect(y.data[at] == expected)
        check(MulLayer(), inputs: [a, b])
        check(MulLayer(), inputs: [c, a, b])
        check(MulLayer(), inputs: [c, randomTensor([2, 2, 3, 4], seed: 13)])
    }

    @Test func concatOnChannelsAndOtherDimensions() {
        let a = randomTensor([2, 3, 2, 2], seed: 14), b = randomTensor([2, 1, 2, 2], seed: 15)
        var inputs = [a, b]
        let y = ConcatLayer(dim: 1).forward(&inputs, training: false)
        #expect(y.shape == [2, 4, 2, 2])
        #expect(Array(y.data[0..<12]) == Array(a.data[0..<12]))
        #expect(Array(y.data[12..<16]) == Array(b.data[0..<4]))
        #expect(Array(y.data[16..<28]) == Array(a.data[12..<24]))
        check(ConcatLayer(dim: 1), inputs: [a, b])
        check(ConcatLayer(dim: 3), inputs: [a, randomTensor([2, 3, 2, 5], seed: 16)])
        check(ConcatLayer(dim: 1), inputs: [randomTensor([3, 2], seed: 17), randomTensor([3, 4], seed: 18), randomTensor([3, 1], seed: 19)])
    }
}
