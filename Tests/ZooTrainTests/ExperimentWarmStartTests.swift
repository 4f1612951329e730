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
