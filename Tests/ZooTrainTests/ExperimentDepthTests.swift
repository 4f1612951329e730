import Foundation
import Testing
@testable import ZooModel
@testable import ZooTrain

@Suite struct ExperimentDepthTests {
    @Test func defaultCutPointsFallAfterActivations() throws {
        let (model, _) = try ExperimentFixtures.mlp(hidden: [32, 16])
        // 0 dense, 1 relu, 2 dense, 3 relu, 4 dense: cut before the first layer and after each relu.
        #expect(DepthExperiment.defaultCutPoints(for: model) == [0, 2, 4])
    }

    @Test func truncatedFlattensFeatureMapsAndKeepsZeroLayers() throws {
        let conv = Network.sequentialDescription(input: [1, 8, 8], ops: [.conv2d(outChannels: 4, kernel: 3, stride: 1, padding: 1), .relu, .flatten, .dense(outFeatures: 5)])
        let tensors = try Network.initialTensors(for: conv, seed: 1)
        let cut = try PreparedModel.truncated(conv, tensors: tensors, keep: 2, classes: 3, seed: 2)
        #expect(cut.description.layers.map(\.op) == [.conv2d(outChannels: 4, kernel: 3, stride: 1, padding: 1), .relu, .flatten, .dense(outFeatures: 3)])
        #expect(try Network(description: cut.description, tensors: cut.tensors).outputShape == [3])
        let none = try PreparedModel.truncated(conv, tensors: tensors, keep: 0, classes: 3, seed: 2)
        #expect(none.backboneLayers == 0)
        #expect(none.description.layers.map(\.op) == [.flatten, .dense(outFeatures: 3)])
        #expect(try Network(description: none.description, tensors: none.tensors).outputShape == [3])
        #expect(throws: TrainError.self) { try PreparedModel.truncated(conv, tensors: tensors, keep: 5, classes: 3, seed: 2) }
    }

    @Test func depthReportsEveryCutPointAndIsDeterministic() throws {
        let (train, test) = try ExperimentFixtures.target()
        let (model, tensors) = try ExperimentFixtures.mlp(hidden: [32, 16])
        let experiment = DepthExperiment(model: model, tensors: tensors, training: train, test: test, sizePerClass: 5,
                                         seeds: [1, 2], configuration: ExperimentFixtures.budget())
        let result = try experiment.run()
        #expect(result.points.map(\.keptLayers) == [0, 2, 4])
        #expect(result.points.map(\.featureShape) == [[64], [32], [16]])
        #expect(result.points.map(\.lastLayer) == ["input", "1", "3"])
        for p in result.points {
            #expect(p.accuracies.count == 2)
            #expect(p.accuracies.allSatisfy { (0...1).contains($0) })
            #expect(p.accuracy == SummaryStatistics(p.accuracies))
        }
        let again = try experiment.run()
        #expect(again.points == result.points)
    }
}
