import Testing
import ZooModel
@testable import ZooTrain

/// Evaluation batches shrink with the activations, so a 224 x 224 network does not evaluate 256
/// images at once (that took 16 GB for a frozen MobileNetV2), and the results stay the same.
@Suite struct EvaluationBatchTests {
    static func network(input: [Int], spec: String) throws -> Network {
        let made = try ModelBuilder.create(input: input, specs: try LayerSpec.parse(spec), scheme: .he, seed: 1)
        return try Network(description: made.description, tensors: Dictionary(uniqueKeysWithValues: made.tensors.map { ($0.name, $0.values) }))
    }

    @Test func batchFollowsTheWidestActivation() throws {
        // A stride-2 stem of 32 channels at 224: 32 x 112 x 112 floats, reckoned 32 times per sample.
        let stem = try Self.network(input: [3, 224, 224], spec: "conv2d:32:3:s2:pad1,relu6,global_avgpool,dense:10")
        #expect(stem.evaluationBatchSize() == (1 << 30) / (32 * 112 * 112 * 4 * 32))
        #expect(stem.evaluationBatchSize(atLeast: 64) == 64)
        let small = try Self.network(input: [3, 96, 96], spec: "conv2d:32:3:s2:pad1,relu6,global_avgpool,dense:10")
        #expect(small.evaluationBatchSize() == (1 << 30) / (32 * 48 * 48 * 4 * 32))
        let mlp = try Self.network(input: [64], spec: "dense:32,relu,dense:10")
        #expect(mlp.evaluationBatchSize() == 256)
    }

    @Test func resultsDoNotDependOnTheBatch() throws {
        let net = try Self.network(input: [1, 8, 8], spec: "conv2d:4:3:pad1,batchnorm,relu,global_avgpool,dense:3")
        var rng = SeededRandom(seed: 7)
        let features = (0..<(37 * 64)).map { _ in Float(rng.unit()) }
        let labels = (0..<37).map { $0 % 3 }
        let rows = Dataset(features: features, shape: [1, 8, 8], labels: labels)
        let whole = try Trainer.evaluate(network: net, data: rows)
        for batch in [1, 5, 16] {
            let e = try Trainer.evaluate(network: net, data: rows, batchSize: batch)
            #expect(e.accuracy == whole.accuracy && abs(e.loss - whole.loss) < 1e-9 && e.confusion == whole.confusion)
        }
    }
}
