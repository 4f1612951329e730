import Dispatch
import ZooData
import ZooModel

/// "How much of the front of the network do I need?": for each cut point N, keeps the first N
/// layers of the pretrained network, grafts the same head (flatten if needed, then a dense layer for
/// the target classes), trains only the head, and reports test accuracy against N over seeds.
public struct DepthExperiment: Sendable {
    /// The pretrained network.
    public var model: ModelDescription
    /// The pretrained tensors by name.
    public var tensors: [String: [Float]]
    /// Training data (a per-class subset of it when `sizePerClass` is set).
    public var training: any DataSource
    /// The held-out test set.
    public var test: any DataSource
    /// Cut points (layers kept); nil: 0 and every point after a layer that is not the classifier,
    /// up to the layer before the last dense one.
    public var cutPoints: [Int]?
    /// Training examples per class drawn per seed; nil trains on all of `training`.
    public var sizePerClass: Int?
    /// One run per seed per cut point.
    public var seeds: [UInt64]
    /// The budget and hyperparameters (seed and freeze are set per run).
    public var configuration: TrainingConfiguration
    /// Initialisation of the new head.
    public var headInit: InitScheme = .pytorch
    /// Where each cut point's backbone outputs are cached (shared by its seeds); nil runs the
    /// backbone on every batch. The results are the same either way.
    public var featureCache: FeatureCaching?

    /// An experiment over the given data and seeds with the given budget.
    public init(model: ModelDescription, tensors: [String: [Float]], training: any DataSource, test: any DataSource,
                cutPoints: [Int]? = nil, sizePerClass: Int? = nil, seeds: [UInt64], configuration: TrainingConfiguration) {
        self.model = model
        self.tensors = tensors
        self.training = training
        self.test = test
        self.cutPoints = cutPoints
        self.sizePerClass = sizePerClass
        self.seeds = seeds
        self.configuration = configuration
    }

    /// The default cut points: 0, and after every layer before the last dense one except right
    /// after a dense or conv layer whose activation follows (cutting there keeps a pre-activation).
    public static func defaultCutPoints(for model: ModelDescription) -> [Int] {
        let last = model.layers.lastIndex { if case .dense = $0.op { return true } else { return false } } ?? model.layers.count
        var points = [0]
        for n in stride(from: 1, through: last, by: 1) {
            let layer = model.layers[n - 1]
            let nextIsActivation: Bool
            if n < model.layers.count {
                switch model.layers[n].op {
                case .relu, .gelu, .tanh, .sigmoid, .batchnorm: nextIsActivation = true
                default: nextIsActivation = false
                }
            } else {
                nextIsActivation = false
            }
            if layer.op.hasParameters && nextIsActivation { continue }
            points.append(n)
        }
        return points
    }

    /// Trains the head at every cut point and seed.
    public func run(onPoint: (DepthResult.Point) -> Void = { _ in }) throws(TrainError) -> DepthResult {
        guard !seeds.isEmpty else { throw TrainError(.invalidConfiguration, "the depth experiment needs at least one seed") }
        try configuration.validate()
        let start = DispatchTime.now().uptimeNanoseconds
        let pool = try training.normalized(for: model)
        let testSet = try test.normalized(for: model)
        let classes = max(training.classCount, test.classCount)
        let shapes = try Network.shapes(for: model)
        let points = cutPoints ?? DepthExperiment.defaultCutPoints(for: model)
        guard !points.isEmpty else { throw TrainError(.invalidConfiguration, "no cut points to try") }
        var result: [DepthResult.Point] = []
        for keep in points {
            var accuracies: [Double] = []
            for seed in seeds {
                let data = try sizePerClass.map { n throws(TrainError) in
                    try pool.perClassSubset(n, seed: Dataset.subsetSeed(for: seed))
                } ?? pool
                let prepared = try PreparedModel.truncated(model, tensors: tensors, keep: keep, classes: classes, scheme: headInit, seed: seed)
                var config = configuration
                config.seed = seed
                let network = try Network(description: prepared.description, tensors: prepared.tensors,
                                          frozenLayers: prepared.backboneLayers, seed: seed)
                var trainer = Trainer(configuration: config)
                trainer.featureCache = featureCache
                _ = try trainer.train(network: network, training: data)
                accuracies.append(try Trainer.evaluate(network: network, data: testSet, features: featureCache).accuracy)
            }
            guard keep >= 0 && keep < shapes.count else {
                throw TrainError(.invalidConfiguration, "cut point \(keep) is outside 0...\(model.layers.count)")
            }
            let point = DepthResult.Point(keptLayers: keep, lastLayer: keep == 0 ? "input" : model.layers[keep - 1].name,
                                          featureShape: shapes[keep], accuracy: SummaryStatistics(accuracies), accuracies: accuracies)
            result.append(point)
            onPoint(point)
        }
        return DepthResult(sizePerClass: sizePerClass, seeds: seeds, epochs: configuration.epochs, points: result,
                           seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
}
