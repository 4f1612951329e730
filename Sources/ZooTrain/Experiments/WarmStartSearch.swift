import Dispatch
import ZooData
import ZooModel

/// "Can the weights of a previous run speed up the next?": a grid over learning rate × weight decay
/// where each trial starts either from the pretrained weights (with a fresh head) or from the best
/// earlier trial's final weights (best by final validation accuracy; ties go to the earlier), when its tensors have the shapes this trial needs (they do on
/// one architecture; a mismatch falls back to the pretrained weights and is recorded as such).
/// Reports, per trial and in total, the epochs and wall time to reach a target validation accuracy.
///
/// Every trial trains the full budget (so "best" compares like with like); time to target is read
/// at the evaluation that first reached it.
public struct WarmStartSearch: Sendable {
    /// The pretrained network (its last dense layer is replaced by a head for the target classes).
    public var model: ModelDescription
    /// The pretrained tensors by name.
    public var tensors: [String: [Float]]
    /// Training data.
    public var training: any DataSource
    /// Validation data the target and "best" are measured on.
    public var validation: any DataSource
    /// Grid learning rates (outer loop).
    public var learningRates: [Double]
    /// Grid weight decays (inner loop).
    public var weightDecays: [Double]
    /// Target validation accuracy.
    public var target: Double
    /// Whether the backbone trains (`finetune`) or stays frozen (`frozen`); `scratch` is refused.
    public var regime: TransferRegime = .finetune
    /// Budget and other hyperparameters (lr, weight decay, seed and freeze are set per trial).
    public var configuration: TrainingConfiguration
    /// Initialisation of the new head.
    public var headInit: InitScheme = .pytorch
    /// Where the frozen regime's backbone outputs are cached (every trial shares them); nil
    /// runs the backbone on every batch. The results are the same either way.
    public var featureCache: FeatureCaching?

    /// A search over the given grid.
    public init(model: ModelDescription, tensors: [String: [Float]], training: any DataSource, validation: any DataSource,
                learningRates: [Double], weightDecays: [Double], target: Double, configuration: TrainingConfiguration) {
        self.model = model
        self.tensors = tensors
        self.training = training
        self.validation = validation
        self.learningRates = learningRates
        self.weightDecays = weightDecays
        self.target = target
        self.configuration = configuration
    }

    /// Runs the grid under both strategies; `onTrial` is called after each trial.
    public func run(onTrial: (WarmStartResult.Trial) -> Void = { _ in }) throws(TrainError) -> WarmStartResult {
        guard !learningRates.isEmpty, !weightDecays.isEmpty else {
            throw TrainError(.invalidConfiguration, "the grid needs at least one learning rate and one weight decay")
        }
        guard regime != .scratch else {
            throw TrainError(.invalidConfiguration, "a warm-start search starts from pretrained weights; use regime frozen or finetune")
        }
        try configuration.validate()
        let train = try training.normalized(for: model)
        let val = try validation.normalized(for: model)
        let classes = max(training.classCount, validation.classCount)
        let base = try PreparedModel.replacingHead(of: model, tensors: tensors, classes: classes, scheme: headInit,
                                                   seed: configuration.seed)
        let grid = learningRates.flatMap { lr in weightDecays.map { (lr, $0) } }
        var trials: [WarmStartResult.Trial] = []
        var summaries: [WarmStartResult.Summary] = []
        for strategy in WarmStartResult.Strategy.allCases {
            var done: [(trial: WarmStartResult.Trial, tensors: [String: [Float]])] = []
            for (index, (lr, wd)) in grid.enumerated() {
                var start = base.tensors
                var from: Int?
                if strategy == .warm, let best = done.max(by: { $0.trial.finalAccuracy < $1.trial.finalAccuracy }),
                   WarmStartSearch.shapesAgree(best.tensors, base.tensors) {
                    start = best.tensors
                    from = best.trial.index
                }
                let (trial, final) = try runTrial(strategy: strategy, index: index, lr: lr, wd: wd, from: from,
                                                  model: base, tensors: start, training: train, validation: val)
                done.append((trial, final))
                trials.append(trial)
                onTrial(trial)
            }
            let reached = done.map(\.trial).filter { $0.epochsToTarget != nil }
            let epochs = reached.compactMap(\.epochsToTarget)
            summaries.append(WarmStartResult.Summary(
                strategy: strategy, reached: reached.count, trials: done.count,
                totalEpochsToTarget: epochs.reduce(0, +),
                totalSecondsToTarget: reached.compactMap(\.secondsToTarget).reduce(0, +),
                meanEpochsToTarget: epochs.isEmpty ? nil : Double(epochs.reduce(0, +)) / Double(epochs.count),
                bestAccuracy: done.map(\.trial.bestAccuracy).max() ?? 0,
                totalSeconds: done.map(\.trial.seconds).reduce(0, +),
                totalForwardSamplesToTarget: reached.compactMap(\.forwardSamplesToTarget).reduce(0, +),
                totalForwardSamples: done.map(\.trial.forwardSamples).reduce(0, +)))
        }
        return WarmStartResult(target: target, epochs: configuration.epochs, learningRates: learningRates,
                               weightDecays: weightDecays, trials: trials, summaries: summaries)
    }

    /// Whether `candidate` has every tensor of `needed` with the same element count.
    static func shapesAgree(_ candidate: [String: [Float]], _ needed: [String: [Float]]) -> Bool {
        needed.allSatisfy { candidate[$0.key]?.count == $0.value.count }
    }

    /// One trial: evaluate the starting weights, train the budget, note when the target was reached.
    func runTrial(strategy: WarmStartResult.Strategy, index: Int, lr: Double, wd: Double, from: Int?,
                  model: PreparedModel, tensors: [String: [Float]], training: any DataSource,
                  validation: any DataSource) throws(TrainError) -> (WarmStartResult.Trial, [String: [Float]]) {
        let clock = { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
        let start = clock()
        // Forward samples: measured by the cache when the backbone is frozen and cached (its
        // features are computed up front, once), else every training and validation sample of
        // every epoch, plus the validation of the starting weights.
        let cachedBefore = featureCache?.backboneForwardSamples ?? 0
        let cached = regime == .frozen && featureCache != nil
        func forwards(afterEpochs e: Int) -> Int {
            cached ? (featureCache?.backboneForwardSamples ?? 0) - cachedBefore : validation.count + e * (training.count + validation.count)
        }
        var config = configuration
        config.learningRate = lr
        config.weightDecay = wd
        config.freeze = regime == .frozen ? .layers(model.backboneLayers) : .none
        let network = try Network(description: model.description, tensors: tensors,
                                  frozenLayers: try config.freeze.frozenLayerCount(for: model.description), seed: config.seed)
        let initial = try Trainer.evaluate(network: network, data: validation, features: featureCache, role: "validation").accuracy
        var epochsToTarget: Int? = initial >= target ? 0 : nil
        var secondsToTarget: Double? = epochsToTarget == nil ? nil : clock() - start
        var forwardsToTarget: Int? = epochsToTarget == nil ? nil : forwards(afterEpochs: 0)
        var trainer = Trainer(configuration: config)
        trainer.featureCache = featureCache
        let result = try trainer.train(network: network, training: training, validation: validation) { m in
            if epochsToTarget == nil, let a = m.validationAccuracy, a >= target {
                epochsToTarget = m.epoch
                secondsToTarget = clock() - start
                forwardsToTarget = forwards(afterEpochs: m.epoch)
            }
        }
        let curve = result.history.compactMap(\.validationAccuracy)
        let trial = WarmStartResult.Trial(strategy: strategy, index: index, learningRate: lr, weightDecay: wd, startedFrom: from,
                                          initialAccuracy: initial, curve: curve, epochsToTarget: epochsToTarget,
                                          secondsToTarget: secondsToTarget, seconds: clock() - start, finalAccuracy: curve.last ?? initial,
                                          bestAccuracy: max(initial, curve.max() ?? initial),
                                          forwardSamples: forwards(afterEpochs: config.epochs), forwardSamplesToTarget: forwardsToTarget)
        return (trial, result.tensors)
    }
}
