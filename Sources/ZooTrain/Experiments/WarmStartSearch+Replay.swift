import ZooData
import ZooModel

extension WarmStartSearch {
    /// The model a trial trained and its final tensors, recomputed: the search keeps only the
    /// result (tensors of every trial would cost memory), so `--save-best` re-runs the trial, and
    /// for a warm trial the chain of earlier trials it started from. Training is seeded, so the
    /// replay gives the recorded final accuracy; `matches` says whether it did.
    public func replay(_ trial: WarmStartResult.Trial, of result: WarmStartResult) throws(TrainError)
        -> (description: ModelDescription, tensors: [String: [Float]], finalAccuracy: Double, matches: Bool)
    {
        let train = try training.normalized(for: model)
        let val = try validation.normalized(for: model)
        let classes = max(training.classCount, validation.classCount)
        let base = try PreparedModel.replacingHead(of: model, tensors: tensors, classes: classes, scheme: headInit,
                                                   seed: configuration.seed)
        // The chain back to the pretrained weights, oldest first.
        var chain = [trial]
        while let from = chain[0].startedFrom {
            guard chain.count <= result.trials.count,
                  let earlier = result.trials.first(where: { $0.strategy == trial.strategy && $0.index == from }) else {
                throw TrainError(.invalidConfiguration, "trial \(trial.index) starts from trial \(from), which the result does not have")
            }
            chain.insert(earlier, at: 0)
        }
        var weights = base.tensors
        var last: WarmStartResult.Trial?
        for step in chain {
            let (replayed, final) = try runTrial(strategy: step.strategy, index: step.index, lr: step.learningRate, wd: step.weightDecay,
                                                 from: step.startedFrom, model: base, tensors: weights, training: train, validation: val)
            weights = final
            last = replayed
        }
        let accuracy = last?.finalAccuracy ?? trial.finalAccuracy
        return (base.description, weights, accuracy, accuracy == trial.finalAccuracy)
    }
}
