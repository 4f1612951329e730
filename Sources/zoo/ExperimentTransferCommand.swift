import ArgumentParser
import Foundation
import ZooData
import ZooRegistry
import ZooTrain

/// `zoo experiment transfer REF --data TRAIN --test TEST`: frozen backbone, fine-tuned, LP-FT and
/// from-scratch runs over training-set sizes and seeds, on the same data and budget.
struct ExperimentTransferCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transfer",
        abstract: "Frozen backbone vs fine-tuning vs LP-FT vs training from scratch, over training-set sizes and seeds.",
        discussion: """
        Answers "architecture or weights?". The model's last dense layer is replaced by a fresh \
        head for the classes of --data. For every size N in --sizes and every seed, N examples per \
        class are drawn from --data (the same examples for every regime), then: frozen: the \
        pretrained backbone is frozen and only the head trains; finetune: the whole pretrained \
        network trains; lpft: a linear probe (the head alone, --probe-epochs) then the whole \
        network from there at --lr × --lpft-lr-factor; scratch: the same architecture trains from \
        random initialisation (torchvision's for a recognised network). Every run has the same \
        budget (--epochs, --batch, --lr); LP-FT's probe comes on top, nearly free with the \
        feature cache. Test accuracy on --test is reported as mean ± sample std over seeds; \
        learning curves are measured on --val if given, else on --test (nothing is selected on them). Inputs are normalised as the model's metadata says. \
        Example: zoo experiment transfer digits-mlp --data zoo/datasets/digits-target-train.csv.gz \
        --test zoo/datasets/digits-target-test.csv.gz --sizes 1,5,25 --seeds 3.
        \(ExperimentOptions.exitHelp)
        """)

    @Argument(help: ArgumentHelp("The pretrained model: name, name:N, name:tag or name@sha256:hex.", valueName: "ref"))
    var reference: String

    @OptionGroup var common: ExperimentOptions

    @Option(help: ArgumentHelp("Held-out test data, in any form --data takes: what the reported accuracy is measured on.", valueName: "file"))
    var test: String

    @Option(help: ArgumentHelp("Data for the learning curves; default: the test set.", valueName: "file"))
    var val: String?

    @Option(help: ArgumentHelp("Training examples per class, comma-separated. Each must be at most the smallest class of --data.", valueName: "n,n,..."))
    var sizes: String = "1,2,5,10,25,50"

    @Option(help: ArgumentHelp("Seeds per regime and size: a count N (seeds 1...N) or a list (3,7,11). The seed draws the subset, the head and the scratch weights.", valueName: "n|list"))
    var seeds: String = "5"

    @Option(help: ArgumentHelp("Epochs per run (the same budget for every regime).", valueName: "n"))
    var epochs: Int = 30

    @Option(help: ArgumentHelp("Learning rate of every run.", valueName: "x"))
    var lr: Double = 1e-3

    @Option(help: ArgumentHelp("Regimes to run, comma-separated, in this order: frozen, finetune, lpft (linear probe then fine-tune), scratch.", valueName: "list"))
    var regimes: String = "frozen,finetune,lpft,scratch"

    @Option(help: ArgumentHelp("LP-FT: epochs of the linear probe (the head alone on the frozen backbone, at --lr) before --epochs of fine-tuning. Default: --epochs.", valueName: "n"))
    var probeEpochs: Int?

    @Option(help: ArgumentHelp("LP-FT: the fine-tuning learning rate as a fraction of --lr.", valueName: "x"))
    var lpftLrFactor: Double = 0.1

    @OptionGroup var store: StoreOptions

    func validate() throws {
        _ = try StoreText.reference(reference)
        _ = try ExperimentOptions.positiveIntegers(sizes, flag: "--sizes")
        _ = try ExperimentOptions.seeds(seeds)
        do { _ = try TransferRegime.list(parsing: regimes) } catch { throw ValidationError("--regimes '\(regimes)': \(error.message)") }
        if let probeEpochs, probeEpochs < 1 { throw ValidationError("--probe-epochs must be 1 or more, not \(probeEpochs)") }
        guard lpftLrFactor > 0, lpftLrFactor.isFinite else { throw ValidationError("--lpft-lr-factor must be above 0, not \(lpftLrFactor)") }
        try common.validate(epochs: epochs, lr: lr)
    }

    func run() throws {
        try TrainingOptions.reporting {
            let sizeList = try ExperimentOptions.positiveIntegers(sizes, flag: "--sizes")
            let seedList = try ExperimentOptions.seeds(seeds)
            let config = try common.configuration(epochs: epochs, lr: lr)
            let zoo = try store.open()
            let model = try common.loadModel(zoo, reference)
            let skip = common.input.skipLog()
            let training = try common.loadData(common.data, for: model, what: "training file", training: true, skip: skip)
            let testSet = try common.loadData(test, for: model, what: "test file", skip: skip)
            let validation = try val.map { try common.loadData($0, for: model, what: "validation file", skip: skip) }
            var experiment = TransferExperiment(model: model.description, tensors: model.tensors, training: training, test: testSet,
                                                validation: validation, sizesPerClass: sizeList, seeds: seedList, configuration: config)
            // Checked up front: a size too large would otherwise fail part-way through the runs.
            let smallest = ExperimentOptions.smallestClass(training, classes: experiment.classes)
            if let largest = sizeList.max(), largest > smallest.count {
                throw TrainError(.invalidData, "--sizes asks for \(largest) examples per class but class \(smallest.label) of '\(common.data)' has only \(smallest.count); use sizes up to \(smallest.count)")
            }
            experiment.regimes = try TransferRegime.list(parsing: regimes)
            experiment.probeEpochs = probeEpochs
            experiment.fineTuneRateFactor = lpftLrFactor
            let folder = common.outputFolder(kind: "transfer", model: model.version)
            if !common.json {
                print("transfer experiment on \(model.version.reference) \(model.version.digest.short): \(experiment.classes) classes, "
                      + "\(training.count) training rows, \(testSet.count) test rows; sizes \(sizeList.map(String.init).joined(separator: ",")) per class, "
                      + "\(seedList.count) seeds, \(epochs) epochs, \(common.optimizer) lr \(lr)")
                fflush(nil)
            }
            let progress = Progress("transfer", total: UInt64(sizeList.count * seedList.count * experiment.regimes.count))
            let features = try common.cache.caching(zoo, progress: false)
            experiment.featureCache = features
            let result = try experiment.run { _ in progress.advance(by: 1) }
            progress.finish()
            let report = TransferReport(result: result)
            let table = ExperimentOptions.render(report.table()) + "\n"
                + "test accuracy, mean ± std over \(seedList.count) seeds; \(result.runs.count) runs in \(ReportFormat.seconds(result.seconds))"
            DataOptions.reportSkipped(skip)
            try common.finish(report, folder: folder, table: table, features: features)
        }
    }
}
