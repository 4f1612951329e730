import Dispatch
import ZooData
import ZooModel

/// "Architecture or weights?": on the same target data and budget, trains a pretrained network's
/// backbone frozen with a new head, the same network fine-tuned end to end, and the same
/// architecture from random initialisation, over several seeds and training-set sizes.
///
/// Every run with seed `s` draws its per-class training subset, its new head and (for `scratch`)
/// all its weights from `s`, and shuffles with `s`, so the regimes see the same examples and the
/// whole experiment is reproducible. Inputs are normalised as the pretrained model's metadata says.
public struct TransferExperiment: Sendable {
    /// The pretrained network (its last dense layer is replaced by a head for the target classes).
    public var model: ModelDescription
    /// The pretrained tensors by name.
    public var tensors: [String: [Float]]
    /// The pool the per-class training subsets are drawn from.
    public var training: any DataSource
    /// The held-out test set.
    public var test: any DataSource
    /// Where the learning curves are measured; nil uses the test set (curves only, nothing is
    /// selected on it).
    public var validation: (any DataSource)?
    /// Training examples per class, one experiment column each.
    public var sizesPerClass: [Int]
    /// One run per seed per regime per size.
    public var seeds: [UInt64]
    /// The regimes compared.
    public var regimes: [TransferRegime] = TransferRegime.allCases
    /// The budget and hyperparameters shared by every run (its seed and freeze are set per run).
    public var configuration: TrainingConfiguration
    /// Initialisation of the new head.
    public var headInit: InitScheme = .pytorch
    /// Where the frozen regime's backbone outputs are cached (training subsets, curve and test
    /// sets); nil runs the backbone on every batch. The results are the same either way.
    public var featureCache: FeatureCaching?
    /// Initialisation of the "scratch" regime's whole network: nil draws PyTorch's default module
    /// initialisation (`Network.initialTensors(for:seed:)`); `torchvision` draws what torchvision's
    /// constructors do, the honest baseline for a recognised torchvision network. The default is
    /// `torchvision` when the model's architecture is recognised (`metadata.architecture`), else nil.
    public var scratchInit: InitScheme?
    /// LP-FT's linear-probe epochs (the head alone on the frozen backbone, at the configuration's
    /// learning rate) before its fine-tuning epochs; nil: the configuration's epochs. With the
    /// feature cache they cost little, so LP-FT's fine-tuning phase gets the same budget as the
    /// `finetune` regime.
    public var probeEpochs: Int?
    /// LP-FT's fine-tuning learning rate as a fraction of the configuration's (0.1: ten times lower).
    public var fineTuneRateFactor: Double = 0.1

    /// An experiment over the given data, sizes and seeds with the given budget.
    public init(model: ModelDescription, tensors: [String: [Float]], training: any DataSource, test: any DataSource,
                validation: (any DataSource)? = nil, sizesPerClass: [Int], seeds: [UInt64], configuration: TrainingConfiguration) {
        self.model = model
        self.tensors = tensors
        self.training = training
        self.test = test
        self.validation = validation
        self.sizesPerClass = sizesPerClass
        self.seeds = seeds
        self.configuration = configuration
        self.scratchInit = model.metadata.architecture == nil ? nil : .torchvision
    }

    /// The number of target classes: one more than the largest label in training or test data.
    public var classes: Int { max(training.classCount, test.classCount) }

    /// Runs every regime × size × seed; `onRun` is called after each run (for progress).
    public func run(onRun: (TransferResult.Run) -> Void = { _ in }) throws(TrainError) -> TransferResult {
        guard !sizesPerClass.isEmpty, !seeds.isEmpty, !regimes.isEmpty else {
            throw TrainError(.invalidConfiguration, "the transfer experiment needs at least one size, one seed and one regime")
        }
        try configuration.validate()
        let start = DispatchTime.now().uptimeNanoseconds
        let pool = try training.normalized(for: model)
        let testSet = try test.normalized(for: model)
        let curveSet = try validation.map { d throws(TrainError) in try d.normalized(for: model) } ?? testSet
        var runs: [TransferResult.Run] = []
        var cells: [TransferResult.Cell] = []
        for regime in regimes {
            for size in sizesPerClass {
                var cellRuns: [TransferResult.Run] = []
                for seed in seeds {
                    let subset = try pool.perClassSubset(size, seed: Dataset.subsetSeed(for: seed))
                    let run = try runOne(regime: regime, size: size, seed: seed, training: subset, test: testSet, curve: curveSet)
                    cellRuns.append(run)
                    onRun(run)
                }
                runs += cellRuns
                cells.append(TransferResult.Cell(regime: regime, sizePerClass: size,
                                                 accuracy: SummaryStatistics(cellRuns.map(\.testAccuracy)),
                                                 meanCurve: SummaryStatistics.meanCurve(cellRuns.map(\.curve))))
            }
        }
        var result = TransferResult(classes: classes, sizesPerClass: sizesPerClass, seeds: seeds, regimes: regimes,
                                    epochs: configuration.epochs, testCount: test.count, curvesOnTestSet: validation == nil,
                                    runs: runs, cells: cells,
                                    seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        if regimes.contains(.lpft) {
            result.probeEpochs = probeEpochs ?? configuration.epochs
            result.fineTuneRateFactor = fineTuneRateFactor
        }
        return result
    }

    /// One run: prepare the model for `regime`, train it on `training`, evaluate on `test`.
    func runOne(regime: TransferRegime, size: Int, seed: UInt64, training: any DataSource, test: any DataSource,
                curve: any DataSource) throws(TrainError) -> TransferResult.Run {
        let start = DispatchTime.now().uptimeNanoseconds
        var prepared = try PreparedModel.replacingHead(of: model, tensors: tensors, classes: classes, scheme: headInit, seed: seed)
        var config = configuration
        config.seed = seed
        var probeCurve: [Double] = []
        switch regime {
        case .frozen: config.freeze = .layers(prepared.backboneLayers)
        case .finetune: config.freeze = .none
        case .lpft:
            // Linear probe: the head alone on the frozen backbone; then everything trains from there.
            var probe = config
            probe.freeze = .layers(prepared.backboneLayers)
            probe.epochs = probeEpochs ?? config.epochs
            let probed = try train(prepared, config: probe, training: training, curve: curve)
            prepared.tensors = probed.result.tensors
            probeCurve = probed.result.history.compactMap(\.validationAccuracy)
            config.freeze = .none
            config.learningRate *= fineTuneRateFactor
        case .scratch:
            prepared = try prepared.reinitialized(seed: seed, scheme: scratchInit)
            config.freeze = .none
        }
        let (network, result) = try train(prepared, config: config, training: training, curve: curve)
        let evaluation = try Trainer.evaluate(network: network, data: test, features: featureCache)
        return TransferResult.Run(regime: regime, sizePerClass: size, seed: seed, testAccuracy: evaluation.accuracy,
                                  testLoss: evaluation.loss, curve: probeCurve + result.history.compactMap(\.validationAccuracy),
                                  seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }

    /// Builds `prepared` with `config`'s freeze spec and trains it, the learning curve on `curve`.
    func train(_ prepared: PreparedModel, config: TrainingConfiguration, training: any DataSource,
               curve: any DataSource) throws(TrainError) -> (network: Network, result: TrainingResult) {
        let network = try Network(description: prepared.description, tensors: prepared.tensors,
                                  frozenLayers: try config.freeze.frozenLayerCount(for: prepared.description), seed: config.seed)
        var trainer = Trainer(configuration: config)
        trainer.featureCache = featureCache
        return (network, try trainer.train(network: network, training: training, validation: curve))
    }
}
