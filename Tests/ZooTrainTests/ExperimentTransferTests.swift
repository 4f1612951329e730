import Foundation
import Testing
@testable import ZooModel
@testable import ZooTrain

@Suite struct ExperimentTransferTests {
    @Test func perClassSubsetIsBalancedSeededAndRefusesTooFew() throws {
        let (train, _) = try ExperimentFixtures.target()
        let a = try train.perClassSubset(7, seed: 1)
        #expect(a.count == 35)
        for c in 0..<5 { #expect(a.labels.filter { $0 == c }.count == 7) }
        #expect(try train.perClassSubset(7, seed: 1) == a)
        #expect(try train.perClassSubset(7, seed: 2) != a)
        #expect(throws: TrainError.self) { try train.perClassSubset(101, seed: 1) }
        #expect(throws: TrainError.self) { try train.perClassSubset(0, seed: 1) }
    }

    @Test func replacingHeadKeepsBackboneAndDrawsANewHead() throws {
        let (model, tensors) = try ExperimentFixtures.mlp(classes: 5)
        let prepared = try PreparedModel.replacingHead(of: model, tensors: tensors, classes: 3, seed: 4)
        #expect(prepared.backboneLayers == 2)
        #expect(prepared.description.layers.count == 3)
        #expect(prepared.tensors["0.weight"] == tensors["0.weight"])
        #expect(prepared.tensors["0.bias"] == tensors["0.bias"])
        #expect(prepared.tensors["2.weight"] == nil)
        let head = try #require(prepared.description.layers.last)
        #expect(head.op == .dense(outFeatures: 3))
        let weight = try #require(head.tensors["weight"])
        #expect(prepared.tensors[weight]?.count == 3 * 16)
        let network = try Network(description: prepared.description, tensors: prepared.tensors)
        #expect(network.outputShape == [3])
        // The same seed draws the same head; another seed another.
        let again = try PreparedModel.replacingHead(of: model, tensors: tensors, classes: 3, seed: 4)
        let other = try PreparedModel.replacingHead(of: model, tensors: tensors, classes: 3, seed: 5)
        #expect(again.tensors == prepared.tensors)
        #expect(other.tensors[weight] != prepared.tensors[weight])
    }

    @Test func transferRunsEveryRegimeSizeAndSeedAndSummarisesThem() throws {
        let (train, test) = try ExperimentFixtures.target()
        let (model, tensors) = try ExperimentFixtures.mlp()
        let experiment = TransferExperiment(model: model, tensors: tensors, training: train, test: test,
                                            sizesPerClass: [2, 5], seeds: [1, 2], configuration: ExperimentFixtures.budget())
        var seen = 0
        let result = try experiment.run { _ in seen += 1 }
        #expect(seen == 16)
        #expect(result.runs.count == 4 * 2 * 2)
        #expect(result.cells.count == 4 * 2)
        #expect(result.classes == 5)
        #expect(result.curvesOnTestSet)
        for regime in TransferRegime.allCases {
            for size in [2, 5] {
                let runs = result.runs.filter { $0.regime == regime && $0.sizePerClass == size }
                #expect(runs.map(\.seed) == [1, 2])
                let cell = try #require(result.cell(regime, size: size))
                let accuracies = runs.map(\.testAccuracy)
                let mean = (accuracies[0] + accuracies[1]) / 2
                #expect(abs(cell.accuracy.mean - mean) < 1e-12)
                #expect(abs(cell.accuracy.std - abs(accuracies[0] - accuracies[1]) / 2.0.squareRoot()) < 1e-12)
                // LP-FT's curve is its probe's epochs (the budget's, by default) then its fine-tuning's.
                let epochs = regime == .lpft ? 4 : 2
                #expect(cell.meanCurve.count == epochs)
                #expect(abs(cell.meanCurve[1] - (runs[0].curve[1] + runs[1].curve[1]) / 2) < 1e-12)
                for run in runs {
                    #expect(run.curve.count == epochs)
                    #expect((0...1).contains(run.testAccuracy))
                    // The curve is measured on the test set here, so its last point is the test accuracy.
                    #expect(abs((run.curve.last ?? -1) - run.testAccuracy) < 1e-12)
                }
            }
        }
        // Regimes differ in what they train, so their numbers differ.
        let frozen = result.runs.filter { $0.regime == .frozen }.map(\.testAccuracy)
        let scratch = result.runs.filter { $0.regime == .scratch }.map(\.testAccuracy)
        #expect(frozen != scratch)
    }

    @Test func lpftProbesTheHeadOnTheFrozenBackboneThenFineTunesEverythingAtALowerRate() throws {
        let (train, test) = try ExperimentFixtures.target()
        let (model, tensors) = try ExperimentFixtures.mlp()
        var experiment = TransferExperiment(model: model, tensors: tensors, training: train, test: test,
                                            sizesPerClass: [5], seeds: [3], configuration: ExperimentFixtures.budget())
        experiment.regimes = [.lpft, .finetune]
        experiment.probeEpochs = 3
        experiment.fineTuneRateFactor = 0.25
        let result = try experiment.run()
        #expect(result.probeEpochs == 3 && result.fineTuneRateFactor == 0.25)
        let lpft = try #require(result.runs.first { $0.regime == .lpft })
        #expect(lpft.curve.count == 3 + 2)

        // The same by hand: the head alone for 3 epochs, then every layer for 2 at a quarter of the rate.
        let subset = try train.normalized(for: model).perClassSubset(5, seed: Dataset.subsetSeed(for: 3))
        let testSet = try test.normalized(for: model)
        let prepared = try PreparedModel.replacingHead(of: model, tensors: tensors, classes: 5, seed: 3)
        var probe = ExperimentFixtures.budget(epochs: 3)
        probe.seed = 3
        probe.freeze = .layers(prepared.backboneLayers)
        let probed = try Trainer(configuration: probe).train(description: prepared.description, tensors: prepared.tensors,
                                                             training: subset, validation: testSet)
        // The probe leaves the backbone as pretrained and trains the head.
        for (name, values) in prepared.tensors where !name.hasPrefix("head") {
            #expect(probed.tensors[name] == values, "\(name)")
        }
        #expect(probed.tensors != prepared.tensors)
        var fine = ExperimentFixtures.budget()
        fine.seed = 3
        fine.learningRate = ExperimentFixtures.budget().learningRate * 0.25
        let network = try Network(description: prepared.description, tensors: probed.tensors, frozenLayers: 0, seed: 3)
        let tuned = try Trainer(configuration: fine).train(network: network, training: subset, validation: testSet)
        let evaluation = try Trainer.evaluate(network: network, data: testSet)
        #expect(lpft.testLoss == evaluation.loss)
        #expect(lpft.testAccuracy == evaluation.accuracy)
        #expect(lpft.curve == probed.history.compactMap(\.validationAccuracy) + tuned.history.compactMap(\.validationAccuracy))
        // Fine-tuning the backbone changed it, and LP-FT is not plain fine-tuning.
        #expect(tuned.tensors["0.weight"] != prepared.tensors["0.weight"])
        let finetune = try #require(result.runs.first { $0.regime == .finetune })
        #expect(finetune.testLoss != lpft.testLoss)
    }

    @Test func regimeListsParseInOrderAndRefuseUnknownOrRepeatedNames() throws {
        #expect(try TransferRegime.list(parsing: "lpft,frozen") == [.lpft, .frozen])
        #expect(try TransferRegime.list(parsing: "frozen, finetune,lpft,scratch") == TransferRegime.allCases)
        #expect(throws: TrainError.self) { try TransferRegime.list(parsing: "frozen,linear") }
        #expect(throws: TrainError.self) { try TransferRegime.list(parsing: "frozen,frozen") }
        #expect(throws: TrainError.self) { try TransferRegime.list(parsing: "") }
    }

    @Test func transferIsDeterministic() throws {
        let (train, test) = try ExperimentFixtures.target()
        let (model, tensors) = try ExperimentFixtures.mlp()
        var experiment = TransferExperiment(model: model, tensors: tensors, training: train, test: test,
                                            sizesPerClass: [3], seeds: [9], configuration: ExperimentFixtures.budget())
        experiment.regimes = [.finetune, .scratch]
        let a = try experiment.run()
        let b = try experiment.run()
        #expect(a.runs.map(\.testAccuracy) == b.runs.map(\.testAccuracy))
        #expect(a.runs.map(\.testLoss) == b.runs.map(\.testLoss))
        #expect(a.runs.map(\.curve) == b.runs.map(\.curve))
        experiment.seeds = [10]
        let c = try experiment.run()
        #expect(c.runs.map(\.testLoss) != a.runs.map(\.testLoss))
    }

    @Test func transferRefusesAnEmptyPlan() throws {
        let (train, test) = try ExperimentFixtures.target()
        let (model, tensors) = try ExperimentFixtures.mlp()
        let experiment = TransferExperiment(model: model, tensors: tensors, training: train, test: test,
                                            sizesPerClass: [], seeds: [1], configuration: ExperimentFixtures.budget())
        #expect(throws: TrainError.self) { try experiment.run() }
    }

    @Test func summaryStatisticsMatchTheDefinitions() {
        let s = SummaryStatistics([1, 2, 3, 4])
        #expect(s.count == 4)
        #expect(s.mean == 2.5)
        #expect(abs(s.std - (5.0 / 3).squareRoot()) < 1e-12)
        #expect(s.min == 1 && s.max == 4)
        #expect(SummaryStatistics([5]).std == 0)
        #expect(SummaryStatistics.meanCurve([[1, 2], [3, 4, 6]]) == [2, 3, 6])
    }
}
