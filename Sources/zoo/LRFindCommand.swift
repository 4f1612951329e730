import ArgumentParser
import Foundation
import ZooData
import ZooRegistry
import ZooModel
import ZooTrain

/// `zoo lr-find REF --data FILE`: the learning-rate range test: loss against an exponentially
/// growing rate over a short run, and the suggested rate.
struct LRFindCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lr-find",
        abstract: "Learning-rate range test: loss against an exponentially growing learning rate, and a suggested rate.",
        discussion: """
        Trains for --steps batches while the rate grows from --start to --end (each step × the \
        same factor), records the smoothed loss and stops early once it exceeds 4× its best (the \
        rate is too high). Suggested rate: a tenth of the rate at the smoothed loss's minimum \
        (fastai's rule); the steepest-descent rate is shown too. Plot: loss on a log rate axis. \
        The model runs as stored (its freeze spec, unless --freeze), so its labels must fit its \
        outputs; --new-head replaces the last dense layer by a fresh head for the classes of \
        --data, as the experiments do. Nothing is stored: the test changes the weights. \
        Example: zoo lr-find digits-mlp --data zoo/datasets/digits-target-train.csv.gz --new-head.
        \(ExperimentOptions.exitHelp)
        """)

    @Argument(help: ArgumentHelp("The model: name, name:N, name:tag or name@sha256:hex.", valueName: "ref"))
    var reference: String

    @OptionGroup var common: ExperimentOptions

    @Option(help: ArgumentHelp("First learning rate (above 0).", valueName: "x"))
    var start: Double = 1e-5

    @Option(help: ArgumentHelp("Last learning rate (above --start); reached at the last step unless the loss diverges first.", valueName: "x"))
    var end: Double = 1

    @Option(help: ArgumentHelp("Batches in the test (at least 7); the data is reshuffled each time it runs out.", valueName: "n"))
    var steps: Int = 100

    @Flag(help: "Replace the last dense layer with a fresh head for the classes of --data (the transfer setting).")
    var newHead = false

    @Option(help: ArgumentHelp("Frozen layers: backbone, none or a count K (default: the model's own freeze spec).", valueName: "backbone|none|K"))
    var freeze: String?

    @Option(help: "Seed of the shuffling and of the new head.")
    var seed: UInt64 = 0

    @OptionGroup var store: StoreOptions

    func validate() throws {
        _ = try StoreText.reference(reference)
        guard start > 0, start.isFinite else { throw ValidationError("--start must be above 0, not \(start)") }
        guard end > start, end.isFinite else { throw ValidationError("--end must be above --start (\(start)), not \(end)") }
        guard steps >= 7 else { throw ValidationError("--steps must be 7 or more (the slope is read over 5 steps), not \(steps)") }
        do { if let freeze { _ = try FreezeSpec(parsing: freeze) } } catch { throw ValidationError(error.message) }
        try common.validate()
    }

    func run() throws {
        try TrainingOptions.reporting {
            var config = try common.configuration(seed: seed)
            if let freeze { config.freeze = try FreezeSpec(parsing: freeze) }
            let zoo = try store.open()
            let model = try common.loadModel(zoo, reference)
            let data = try common.loadData(common.data, for: model, what: "data file", training: true, skip: common.input.skipLog())
            var description = model.description, tensors = model.tensors
            if newHead {
                let prepared = try PreparedModel.replacingHead(of: description, tensors: tensors, classes: data.classCount, seed: seed)
                description = prepared.description
                tensors = prepared.tensors
            }
            let network = try Network(description: description, tensors: tensors,
                                      frozenLayers: try config.freeze.frozenLayerCount(for: description), seed: seed)
            try TrainingOptions.check(data, path: common.data, fits: network)
            let normalized = try data.normalized(for: description)
            var finder = LearningRateFinder(configuration: config)
            finder.startRate = start
            finder.endRate = end
            finder.steps = steps
            let folder = common.outputFolder(kind: "lr-find", model: model.version)
            if !common.json {
                print("lr-find on \(model.version.reference) \(model.version.digest.short)\(newHead ? " with a new head" : ""): \(normalized.count) rows, "
                      + "\(network.frozenLayers) of \(network.layers.count) layers frozen, \(steps) steps from \(ReportFormat.rate(start)) to \(ReportFormat.rate(end)), "
                      + "\(common.optimizer), batch \(common.batch)")
                fflush(nil)
            }
            let features = try common.cache.caching(zoo, progress: !common.json)
            finder.featureCache = features
            let result = try finder.run(network: network, data: normalized)
            let report = LearningRateReport(result: result)
            try common.finish(report, folder: folder, table: Self.curveTable(result) + "\n\n" + ExperimentOptions.render(report.table()),
                              features: features)
        }
    }

    /// About a dozen evenly spaced steps of the curve, always with the minimum and the last step.
    static func curveTable(_ result: LearningRateFinderResult) -> String {
        let points = result.points
        var table = Table(["step", "learning rate", "loss", "smoothed loss"], alignments: [.right, .right, .right, .right])
        guard !points.isEmpty else { return table.render() }
        let minimum = points.indices.min { points[$0].smoothedLoss < points[$1].smoothedLoss } ?? 0
        let every = max(1, points.count / 12)
        var rows = Set(stride(from: 0, to: points.count, by: every))
        rows.insert(minimum)
        rows.insert(points.count - 1)
        for i in rows.sorted() {
            let p = points[i]
            table.add(["\(p.step)", ReportFormat.rate(p.learningRate), String(format: "%.4f", p.loss),
                       String(format: "%.4f", p.smoothedLoss) + (i == minimum ? " (min)" : "")])
        }
        return table.render() + "\nstopped: \(result.stopReason) after \(points.count) steps"
    }
}
