import Testing
import ZooModel
@testable import ZooTrain

/// The training loop: determinism, freezing, evaluation, and learning the digits.
struct TrainerTests {
    static let digits: Dataset = {
        (try? Dataset.load(csvAt: TestPaths.digits.path)) ?? Dataset(features: [], featureCount: 64, labels: [])
    }()

    func smallRun(seed: UInt64, freeze: FreezeSpec = .none, dropout: Bool = true) throws -> (TrainingResult, [String: [Float]]) {
        let data = Self.digits.subset(Array(0..<200))
        let normalised = try data.normalized(Normalization(mean: [0], std: [16]))
        var ops: [LayerOp] = [.dense(outFeatures: 16), .batchnorm(eps: 1e-5, momentum: 0.1), .relu]
        if dropout { ops.append(.dropout(p: 0.2)) }
        ops.append(.dense(outFeatures: 10))
        let d = Network.sequentialDescription(input: [64], ops: ops)
        let initial = try Network.initialTensors(for: d, seed: 11)
        var config = TrainingConfiguration()
        config.epochs = 2
        config.batchSize = 16
        config.seed = seed
        config.freeze = freeze
        config.optimizer = .sgd(momentum: 0.9, nesterov: true)
        config.learningRate = 0.05
        config.clipNorm = 5
        config.schedule = .cosine()
        return (try Trainer(configuration: config).train(description: d, tensors: initial, training: normalised), initial)
    }

    @Test func sameSeedGivesIdenticalWeights() throws {
        let (a, initial) = try smallRun(seed: 42)
        let (b, _) = try smallRun(seed: 42)
        let (c, _) = try smallRun(seed: 43)
        #expect(a.tensors == b.tensors)
        #expect(a.history.map(\.trainLoss) == b.history.map(\.trainLoss))
        #expect(a.tensors != c.tensors)
        #expect(a.tensors != initial)
    }

    @Test func frozenBackboneKeepsItsTensors() throws {
        let (result, initial) = try smallRun(seed: 1, freeze: .backbone)
        #expect(result.frozenLayers == 4)
        for key in ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var"] {
            #expect(result.tensors[key] == initial[key], "\(key) changed although frozen")
        }
        #expect(result.tensors["4.weight"] != initial["4.weight"])
    }

    @Test func learnsDigits() throws {
        // 500 examples, a stratified 20% held out, a 64-32-10 MLP: above 90% in 15 short epochs.
        let subset = Self.digits.subset(Array(0..<500))
        let (train, val) = subset.split(validationFraction: 0.2, seed: 3)
        let norm = try #require(train.fitNormalization(.standardize))
        let d = Network.sequentialDescription(input: [64], ops: [.dense(outFeatures: 32), .relu, .dense(outFeatures: 10)])
        var config = TrainingConfiguration()
        config.epochs = 15
        config.batchSize = 32
        config.learningRate = 3e-3
        config.optimizer = .adamW()
        config.weightDecay = 1e-4
        config.seed = 9
        let trainSet = try train.normalized(norm), valSet = try val.normalized(norm)
        var epochs: [EpochMetrics] = []
        var batches = 0
        let result = try Trainer(configuration: config).train(
            description: d, tensors: Network.initialTensors(for: d, seed: 9),
            training: trainSet, validation: valSet,
            onEpoch: { epochs.append($0) }, onBatch: { _ in batches += 1 })
        #expect(epochs.count == 15 && batches == 15 * 13)
        let last = try #require(result.history.last)
        #expect(try #require(last.validationAccuracy) >= 0.9)
        #expect(last.trainLoss < result.history[0].trainLoss)

        let net = try Network(description: d, tensors: result.tensors)
        let e = try Trainer.evaluate(network: net, data: valSet)
        #expect(e.count == val.count)
        #expect(abs(e.accuracy - (last.validationAccuracy ?? 0)) < 1e-12)
        #expect(e.confusion.flatMap { $0 }.reduce(0, +) == val.count)
        #expect(e.confusion.indices.map { e.confusion[$0][$0] }.reduce(0, +) == Int((e.accuracy * Double(val.count)).rounded()))
        let predictions = try Trainer.predict(network: net, features: valSet.features)
        let right = zip(predictions, val.labels).filter { $0.label == $1 }.count
        #expect(right == Int((e.accuracy * Double(val.count)).rounded()))
        #expect(abs((predictions.first?.probabilities.reduce(0, +) ?? 0) - 1) < 1e-5)
    }

    @Test func refusesDataThatDoesNotFit() throws {
        let d = Network.sequentialDescription(input: [3], ops: [.dense(outFeatures: 2)])
        let net = try Network(description: d, tensors: Network.initialTensors(for: d, seed: 1))
        let wide = Dataset(features: [1, 2, 3, 4], featureCount: 4, labels: [0])
        #expect(throws: TrainError.self) { _ = try Trainer.evaluate(network: net, data: wide) }
        let badLabel = Dataset(features: [1, 2, 3], featureCount: 3, labels: [5])
        #expect(throws: TrainError.self) { _ = try Trainer(configuration: TrainingConfiguration()).train(network: net, training: badLabel) }
        var config = TrainingConfiguration()
        config.epochs = 0
        #expect(throws: TrainError.self) { try config.validate() }
    }
}
