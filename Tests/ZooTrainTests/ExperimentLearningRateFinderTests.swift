import Foundation
import Testing
@testable import ZooModel
import ZooModel
@testable import ZooTrain

@Suite struct ExperimentLearningRateFinderTests {
    /// Three Gaussian blobs in 4 dimensions (unit variance, centres 3 apart), 300 rows.
    static func blobs(seed: UInt64) -> Dataset {
        var g = SeededRandom.splitMix(seed: seed)
        func normal() -> Float {
            let u = max(g.unit(), 1e-12), v = g.unit()
            return Float((-2 * log(u)).squareRoot() * cos(2 * Double.pi * v))
        }
        let centres: [[Float]] = [[1.5, 0, 0, 0], [0, 1.5, 0, 0], [0, 0, 1.5, 0]]
        var features: [Float] = [], labels: [Int] = []
        for i in 0..<300 {
            let c = i % 3
            for j in 0..<4 { features.append(centres[c][j] + normal()) }
            labels.append(c)
        }
        return Dataset(features: features, featureCount: 4, labels: labels)
    }

    /// An upper bound of the Hessian's largest eigenvalue for softmax regression on `data`:
    /// the softmax's curvature is at most 1/2, times the largest eigenvalue of E[x̃x̃ᵀ] with x̃ = (x, 1),
    /// found by power iteration. Plain SGD diverges above 2 / this.
    static func curvatureBound(_ data: Dataset) -> Double {
        let d = data.featureCount + 1
        var m = [Double](repeating: 0, count: d * d)
        for r in 0..<data.count {
            var x = (0..<data.featureCount).map { Double(data.features[r * data.featureCount + $0]) }
            x.append(1)
            for i in 0..<d { for j in 0..<d { m[i * d + j] += x[i] * x[j] / Double(data.count) } }
        }
        var v = [Double](repeating: 1, count: d)
        var lambda = 0.0
        for _ in 0..<200 {
            let w = (0..<d).map { i in (0..<d).reduce(0.0) { $0 + m[i * d + $1] * v[$1] } }
            lambda = w.map { $0 * $0 }.reduce(0, +).squareRoot()
            v = w.map { $0 / lambda }
        }
        return 0.5 * lambda
    }

    @Test func suggestionLiesInTheStableRangeOfALinearModel() throws {
        let data = Self.blobs(seed: 3)
        let description = Network.sequentialDescription(input: [4], ops: [.dense(outFeatures: 3)])
        let network = try Network(description: description, tensors: try Network.initialTensors(for: description, seed: 1))
        var config = TrainingConfiguration()
        config.optimizer = .sgd()
        config.batchSize = 32
        var finder = LearningRateFinder(configuration: config)
        finder.startRate = 1e-4
        finder.endRate = 100
        let result = try finder.run(network: network, data: data)
        let stable = 2 / Self.curvatureBound(data)
        // The rate ramps exponentially.
        let ratios = zip(result.points.dropFirst(), result.points).map { $0.learningRate / $1.learningRate }
        #expect(ratios.allSatisfy { abs($0 - pow(1e6, 1.0 / 99)) < 1e-9 })
        #expect(result.points.first?.learningRate == 1e-4)
        // Rates far above the stable bound make the loss blow up: the test stops early.
        #expect(result.stopReason == "diverged")
        #expect(result.points.count < 100)
        #expect(result.suggestionRule == "minimum/10")
        #expect(result.suggested == result.minimumLoss / 10)
        #expect(result.suggested < stable)
        #expect(result.suggested > stable / 100)
        // The steepest point, reported alongside, is also a stable rate on this clean problem.
        let steepest = try #require(result.steepest)
        #expect(steepest < stable && steepest > stable / 100)
    }

    @Test func suggestedRateTrainsBetterThanTheStartRate() throws {
        let data = Self.blobs(seed: 4)
        let description = Network.sequentialDescription(input: [4], ops: [.dense(outFeatures: 3)])
        let initial = try Network.initialTensors(for: description, seed: 2)
        var config = TrainingConfiguration()
        config.optimizer = .sgd()
        config.batchSize = 32
        let finder = LearningRateFinder(configuration: config)
        let result = try finder.run(network: try Network(description: description, tensors: initial), data: data)
        func lossAfterTraining(rate: Double) throws -> Double {
            var c = config
            c.learningRate = rate
            c.epochs = 3
            let network = try Network(description: description, tensors: initial)
            _ = try Trainer(configuration: c).train(network: network, training: data)
            return try Trainer.evaluate(network: network, data: data).loss
        }
        #expect(try lossAfterTraining(rate: result.suggested) < 0.5 * lossAfterTraining(rate: finder.startRate))
    }

    @Test func finderIsDeterministicAndRefusesBadRanges() throws {
        let data = Self.blobs(seed: 5)
        let description = Network.sequentialDescription(input: [4], ops: [.dense(outFeatures: 3)])
        let tensors = try Network.initialTensors(for: description, seed: 1)
        let finder = LearningRateFinder(configuration: TrainingConfiguration())
        let a = try finder.run(network: try Network(description: description, tensors: tensors), data: data)
        let b = try finder.run(network: try Network(description: description, tensors: tensors), data: data)
        #expect(a == b)
        var bad = finder
        bad.endRate = bad.startRate / 2
        #expect(throws: TrainError.self) { try bad.run(network: try Network(description: description, tensors: tensors), data: data) }
        let frozen = try Network(description: description, tensors: tensors, frozenLayers: 1)
        #expect(throws: TrainError.self) { try finder.run(network: frozen, data: data) }
    }
}
