import Foundation
@testable import ZooModel
@testable import ZooTrain

/// Small fixtures for the experiment tests: the committed digits target task and tiny MLPs.
enum ExperimentFixtures {
    static let datasets = TestPaths.repositoryRoot.appendingPathComponent("zoo/datasets")

    /// The target task (digits 5-9 relabelled 0-4): training pool and test set.
    static func target() throws -> (train: Dataset, test: Dataset) {
        (try Dataset.load(csvAt: datasets.appendingPathComponent("digits-target-train.csv.gz").path),
         try Dataset.load(csvAt: datasets.appendingPathComponent("digits-target-test.csv.gz").path))
    }

    /// A 64-16-5 MLP standing in for a pretrained network (random weights: the tests check the
    /// experiments' mechanics, not transfer itself), with digits normalisation in its metadata.
    static func mlp(hidden: [Int] = [16], classes: Int = 5, seed: UInt64 = 7) throws -> (ModelDescription, [String: [Float]]) {
        var ops: [LayerOp] = []
        for h in hidden { ops += [.dense(outFeatures: h), .relu] }
        ops.append(.dense(outFeatures: classes))
        var description = Network.sequentialDescription(input: [64], ops: ops)
        description.metadata.normalization = Normalization(mean: [0], std: [16])
        return (description, try Network.initialTensors(for: description, seed: seed))
    }

    /// A tiny budget: Adam, 2 epochs, batch 16.
    static func budget(epochs: Int = 2) -> TrainingConfiguration {
        var config = TrainingConfiguration()
        config.epochs = epochs
        config.batchSize = 16
        config.learningRate = 1e-2
        return config
    }
}
