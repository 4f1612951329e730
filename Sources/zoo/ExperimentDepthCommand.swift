import ArgumentParser
import Foundation
import ZooData
import ZooRegistry
import ZooTrain

/// `zoo experiment depth REF --data TRAIN --test TEST`: test accuracy of a head trained on a frozen
/// backbone cut after N layers, for each cut point N.
struct ExperimentDepthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "depth",
        abstract: "Accuracy of a new head on a frozen backbone cut after N layers, for each N.",
        discussion: """
        Answers "how much of the front of the network do I need?". For each cut point N the first \
        N layers are kept (0: a linear classifier on the raw input), the same head (flatten if \
        needed, then a dense layer for the classes of --data) is grafted, only the head trains, and \
        test accuracy on --test is reported as mean ± std over seeds. The default cut points are 0 \
        and after every layer up to the classifier, skipping points between a layer and its \
        activation. Example: zoo experiment depth digits-mlp --data \
        zoo/datasets/digits-target-train.csv.gz --test zoo/datasets/digits-target-test.csv.gz --cuts 0,2,4.
        \(ExperimentOptions.exitHelp)
        """)

    @Argument(help: ArgumentHelp("The pretrained model: name, name:N, name:tag or name@sha256:hex.", valueName: "ref"))
    var reference: String

    @OptionGroup var common: ExperimentOptions

    @Option(help: ArgumentHelp("Held-out test data (CSV): what the reported accuracy is measured on.", valueName: "file"))
    var test: String

    @Option(help: ArgumentHelp("Cut points: how many leading layers to keep, comma-separated, from 0 to the model's layer count (`zoo inspect REF` numbers them). Default: see above.", valueName: "n,n,..."))
    var cuts: String?

    @Option(help: ArgumentHelp("Training examples per class drawn per seed; default: all of --data.", valueName: "n"))
    var size: Int?

    @Option(help: ArgumentHelp("Seeds per cut point: a count N (seeds 1...N) or a list (3,7,11).", valueName: "n|list"))
    var seeds: String = "3"

    @Option(help: ArgumentHelp("Epochs per run.", valueName: "n"))
    var epochs: Int = 30

    @Option(help: ArgumentHelp("Learning rate of the head.", valueName: "x"))
    var lr: Double = 1e-3

    @OptionGroup var store: StoreOptions

    func validate() throws {
        _ = try StoreText.reference(reference)
        if let cuts { _ = try ExperimentOptions.positiveIntegers(cuts, flag: "--cuts", allowZero: true) }
        if let size, size < 1 { throw ValidationError("--size must be 1 or more, not \(size)") }
        _ = try ExperimentOptions.seeds(seeds)
        try common.validate(epochs: epochs, lr: lr)
    }

    func run() throws {
        try TrainingOptions.reporting {
            let cutList = try cuts.map { try ExperimentOptions.positiveIntegers($0, flag: "--cuts", allowZero: true) }
            let seedList = try ExperimentOptions.seeds(seeds)
            let config = try common.configuration(epochs: epochs, lr: lr)
            let zoo = try store.open()
            let model = try common.loadModel(zoo, reference)
            let skip = common.input.skipLog()
            let layerCount = model.description.layers.count
            if let bad = cutList?.first(where: { $0 > layerCount }) {
                throw TrainError(.invalidConfiguration, "--cuts \(bad) is past the end: \(model.version.reference) has \(layerCount) layers; use cut points 0 to \(layerCount)")
            }
            let training = try common.loadData(common.data, for: model, what: "training file", training: true, skip: skip)
            let testSet = try common.loadData(test, for: model, what: "test file", skip: skip)
            if let size {
                let smallest = ExperimentOptions.smallestClass(training, classes: max(training.classCount, testSet.classCount))
                if size > smallest.count {
                    throw TrainError(.invalidData, "--size \(size) asks for more examples per class than class \(smallest.label) of '\(common.data)' has (\(smallest.count))")
                }
            }
            var experiment = DepthExperiment(model: model.description, tensors: model.tensors, training: training, test: testSet,
                                             cutPoints: cutList, sizePerClass: size, seeds: seedList, configuration: config)
            let points = cutList ?? DepthExperiment.defaultCutPoints(for: model.description)
            let folder = common.outputFolder(kind: "depth", model: model.version)
            if !common.json {
                print("depth experiment on \(model.version.reference) \(model.version.digest.short): cut points \(points.map(String.init).joined(separator: ",")) "
                      + "of \(layerCount) layers; \(size.map { "\($0) per class" } ?? "\(training.count) training rows"), "
                      + "\(seedList.count) seeds, \(epochs) epochs, \(common.optimizer) lr \(lr)")
                fflush(nil)
            }
            let progress = Progress("depth", total: UInt64(points.count))
            let features = try common.cache.caching(zoo, progress: false)
            experiment.featureCache = features
            let result = try experiment.run { _ in progress.advance(by: 1) }
            progress.finish()
            let report = DepthReport(result: result)
            let table = ExperimentOptions.render(report.table()) + "\n"
                + "test accuracy, mean ± std over \(seedList.count) seeds; \(result.points.count * seedList.count) runs in \(ReportFormat.seconds(result.seconds))"
            DataOptions.reportSkipped(skip)
            try common.finish(report, folder: folder, table: table, features: features)
        }
    }
}
