import Foundation
import Testing
@testable import ZooModel
@testable import ZooTrain

@Suite struct ExperimentWarmStartTests {
    @Test func warmTrialsStartFromTheBestEarlierTrial() throws {
        let (train, test) = try ExperimentFixtures.target()
        let (model, tensors) = try ExperimentFixtures.mlp()
        let subset = try train.perClassSubset(10, seed: 1)
        let search = WarmStartSearch(model: model, tensors: tensors, training: subset, validation: test,
                                     learningRates: [1e-2, 3e-3], weightDecays: [0, 1e-4], target: 0.5,
                                     configuration: ExperimentFixtures.budget())
        let result = try search.run()
        #expect(result.trials.count == 8)
        let pretrained = result.trials.filter { $0.strategy == .pretrained }
        let warm = result.trials.filter { $0.strategy == .warm }
        #expect(pretrained.map(\.index) == [0, 1, 2, 3])
        #expect(warm.map(\.index) == [0, 1, 2, 3])
        #expect(pretrained.map(\.learningRate) == [1e-2, 1e-2, 3e-3, 3e-3])
        #expect(pretrained.map(\.weightDecay) == [0, 1e-4, 0, 1e-4])
        // Every pretrained trial starts from the same weights; the first warm trial too.
        #expect(Set(pretrained.map(\.initialAccuracy)).count == 1)
        #expect(pretrained.allSatisfy { $0.startedFrom == nil })
        #expect(warm[0].startedFrom == nil && warm[0].initialAccuracy == pretrained[0].initialAccuracy)
        // Later warm trials start from the earlier trial with the best final accuracy, whose final
        // weights give exactly its final accuracy when evaluated again.
        for i in 1..<4 {
            let earlier = warm[..<i]
            let best = try #require(earlier.max { $0.finalAccuracy < $1.finalAccuracy })
            #expect(warm[i].startedFrom == best.index)
            #expect(warm[i].initialAccuracy == best.finalAccuracy)
        }
        for t in result.trials {
            #expect(t.curve.count == 2)
            let first = ([t.initialAccuracy] + t.curve).firstIndex { $0 >= 0.5 }
            #expect(t.epochsToTarget == first)
            #expect((t.secondsToTarget == nil) == (first == nil))
            #expect(t.finalAccuracy == t.curve.last)
        }
        for s in result.summaries {
            let trials = result.trials.filter { $0.strategy == s.strategy }
            #expect(s.trials == 4)
            #expect(s.reached == trials.filter { $0.epochsToTarget != nil }.count)
            #expect(s.totalEpochsToTarget == trials.compactMap(\.epochsToTarget).reduce(0, +))
        }
    }

    @Test func forwardSamplesCountEveryBackboneForwardAndCachedFeaturesOnce() throws {
        let (train, test) = try ExperimentFixtures.target()
        let (model, tensors) = try ExperimentFixtures.mlp()
        let subset = try train.perClassSubset(6, seed: 1)
        var search = WarmStartSearch(model: model, tensors: tensors, training: subset, validation: test,
                                     learningRates: [1e-2, 3e-3], weightDecays: [0], target: 0.3,
                                     configuration: ExperimentFixtures.budget(epochs: 3))
        // Fine-tuning: the starting weights' validation, then every epoch's training and validation.
        let finetune = try search.run()
        for t in finetune.trials {
            #expect(t.forwardSamples == test.count + 3 * (subset.count + test.count))
            #expect(t.forwardSamplesToTarget == t.epochsToTarget.map { test.count + $0 * (subset.count + test.count) })
        }
        // A frozen backbone without the cache runs on every sample too.
        search.regime = .frozen
        let uncached = try search.run()
        #expect(uncached.trials.allSatisfy { $0.forwardSamples == test.count + 3 * (subset.count + test.count) })
        // With the cache its features are computed once, in the first trial, and reused after.
        let cache = FeatureCaching()
        search.featureCache = cache
        let cached = try search.run()
        #expect(cached.trials[0].forwardSamples == subset.count + test.count)
        #expect(cached.trials.dropFirst().allSatisfy { $0.forwardSamples == 0 })
        #expect(cache.backboneForwardSamples == subset.count + test.count)
        #expect(cached.trials.map(\.finalAccuracy) == uncached.trials.map(\.finalAccuracy))
        for (s, strategy) in zip(cached.summaries, WarmStartResult.Strategy.allCases) {
            let trials = cached.trials.filter { $0.strategy == strategy }
            #expect(s.totalForwardSamples == trials.map(\.forwardSamples).reduce(0, +))
            #expect(s.totalForwardSamplesToTarget == trials.compactMap(\.forwardSamplesToTarget).reduce(0, +))
        }
    }

    @Test func warmStartRefusesScratchAndAnEmptyGrid() throws {
        let (train, test) = try ExperimentFixtures.target()
        let (model, tensors) = try ExperimentFixtures.mlp()
        var search = WarmStartSearch(model: model, tensors: tensors, training: train, validation: test,
                                     learningRates: [], weightDecays: [0], target: 0.5, configuration: ExperimentFixtures.budget())
        #expect(throws: TrainError.self) { try search.run() }
        search.learningRates = [1e-3]
        search.regime = .scratch
        #expect(throws: TrainError.self) { try search.run() }
    }
}
