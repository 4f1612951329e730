import Foundation
import Testing
@testable import ZooTrain

/// Updates against values worked out by hand from PyTorch's update rules.
struct OptimizerTests {
    func parameter(_ value: Float, gradient: Float) -> Parameter {
        let p = Parameter(name: "p", value: Tensor(shape: [1], data: [value]))
        p.gradient = Tensor(shape: [1], data: [gradient])
        return p
    }

    @Test func sgdWithMomentumAndWeightDecay() {
        // g' = g + wd·p; buf = g' on step 1, then μ·buf + g'; p -= lr·buf.
        let p = parameter(1.0, gradient: 0.5)
        let opt = Optimizer(kind: .sgd(momentum: 0.9), weightDecay: 0.1)
        opt.step([p], learningRate: 0.1)
        // g' = 0.5 + 0.1 = 0.6, buf = 0.6, p = 1 - 0.06 = 0.94
        #expect(abs(p.value.data[0] - 0.94) < 1e-6)
        opt.step([p], learningRate: 0.1)
        // g' = 0.5 + 0.094 = 0.594, buf = 0.54 + 0.594 = 1.134, p = 0.94 - 0.1134 = 0.8266
        #expect(abs(p.value.data[0] - 0.8266) < 1e-6)
    }

    @Test func sgdNesterov() {
        let p = parameter(1.0, gradient: 0.5)
        let opt = Optimizer(kind: .sgd(momentum: 0.9, nesterov: true))
        opt.step([p], learningRate: 0.1)
        // buf = 0.5, update = g + μ·buf = 0.95, p = 0.905
        #expect(abs(p.value.data[0] - 0.905) < 1e-6)
        opt.step([p], learningRate: 0.1)
        // buf = 0.45 + 0.5 = 0.95, update = 0.5 + 0.855 = 1.355, p = 0.905 - 0.1355 = 0.7695
        #expect(abs(p.value.data[0] - 0.7695) < 1e-6)
    }

    @Test func adamFirstStepsMoveByLearningRate() {
        let p = parameter(1.0, gradient: 0.5)
        let opt = Optimizer(kind: .adam())
        opt.step([p], learningRate: 0.01)
        // m̂ = g, v̂ = g², so the step is lr·g/(|g| + ε) ≈ lr.
        #expect(abs(Double(p.value.data[0]) - (1 - 0.01 * 0.5 / (0.5 + 1e-8))) < 1e-6)
        p.gradient = Tensor(shape: [1], data: [-0.25])
        opt.step([p], learningRate: 0.01)
        let m = 0.9 * 0.05 + 0.1 * -0.25, v = 0.999 * 0.00025 + 0.001 * 0.0625
        let mHat = m / (1 - 0.81), vHat = v / (1 - 0.999 * 0.999)
        let expected = (1 - 0.01 * 0.5 / (0.5 + 1e-8)) - 0.01 * mHat / (vHat.squareRoot() + 1e-8)
        #expect(abs(Double(p.value.data[0]) - expected) < 1e-6)
    }

    @Test func adamWeightDecayIsL2ButAdamWDecouples() {
        let a = parameter(2.0, gradient: 0.0)
        Optimizer(kind: .adam(), weightDecay: 0.5).step([a], learningRate: 0.1)
        // L2: g = 0 + 0.5·2 = 1, the Adam step is lr·1/(1+ε).
        #expect(abs(Double(a.value.data[0]) - (2 - 0.1 / (1 + 1e-8))) < 1e-6)
        let w = parameter(2.0, gradient: 0.0)
        Optimizer(kind: .adamW(), weightDecay: 0.5).step([w], learningRate: 0.1)
        // Decoupled: p ·= 1 - lr·wd, and a zero gradient moves nothing more.
        #expect(abs(w.value.data[0] - 2 * (1 - 0.05)) < 1e-6)
    }

    @Test func clippingByGlobalNorm() {
        let a = parameter(0, gradient: 3), b = parameter(0, gradient: 4)
        let norm = Optimizer.clipGradientNorm([a, b], maxNorm: 1)
        #expect(abs(norm - 5) < 1e-9)
        #expect(abs(Double(a.gradient.data[0]) - 3 / (5 + 1e-6)) < 1e-6)
        #expect(abs(Double(b.gradient.data[0]) - 4 / (5 + 1e-6)) < 1e-6)
        let c = parameter(0, gradient: 0.3)
        Optimizer.clipGradientNorm([c], maxNorm: 1)
        #expect(c.gradient.data[0] == 0.3)
    }

    @Test func schedules() {
        let base = 0.1
        #expect(LearningRateSchedule.constant.rate(base: base, epoch: 7, totalEpochs: 10) == base)
        let step = LearningRateSchedule.step(stepSize: 3, gamma: 0.5)
        #expect(abs(step.rate(base: base, epoch: 2.9, totalEpochs: 10) - 0.1) < 1e-12)
        #expect(abs(step.rate(base: base, epoch: 3, totalEpochs: 10) - 0.05) < 1e-12)
        #expect(abs(step.rate(base: base, epoch: 6.5, totalEpochs: 10) - 0.025) < 1e-12)
        let cosine = LearningRateSchedule.cosine(minimum: 0.01)
        #expect(abs(cosine.rate(base: base, epoch: 0, totalEpochs: 10) - 0.1) < 1e-12)
        #expect(abs(cosine.rate(base: base, epoch: 5, totalEpochs: 10) - 0.055) < 1e-12)
        #expect(abs(cosine.rate(base: base, epoch: 10, totalEpochs: 10) - 0.01) < 1e-12)
        // SGDR with T_0 = 2, T_mult = 2: restarts at epochs 2 and 6.
        let sgdr = LearningRateSchedule.cosineWarmRestarts(t0: 2, tMult: 2, minimum: 0)
        #expect(abs(sgdr.rate(base: base, epoch: 1, totalEpochs: 20) - 0.05) < 1e-12)
        #expect(abs(sgdr.rate(base: base, epoch: 2, totalEpochs: 20) - 0.1) < 1e-12)
        #expect(abs(sgdr.rate(base: base, epoch: 4, totalEpochs: 20) - 0.05) < 1e-12)
        #expect(abs(sgdr.rate(base: base, epoch: 6, totalEpochs: 20) - 0.1) < 1e-12)
        // Linear warm-up over 2 epochs of 4 steps, then cosine over the remaining 8 epochs.
        #expect(abs(cosine.rate(base: base, epoch: 0, totalEpochs: 10, warmupEpochs: 2, stepsPerEpoch: 4) - 0.0125) < 1e-12)
        #expect(abs(cosine.rate(base: base, epoch: 1.75, totalEpochs: 10, warmupEpochs: 2, stepsPerEpoch: 4) - 0.1) < 1e-12)
        #expect(abs(cosine.rate(base: base, epoch: 6, totalEpochs: 10, warmupEpochs: 2, stepsPerEpoch: 4) - 0.055) < 1e-12)
    }
}
