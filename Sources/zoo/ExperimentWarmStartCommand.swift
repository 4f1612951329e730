import ArgumentParser
import Foundation
import ZooFormat
import ZooModel
import ZooData
import ZooRegistry
import ZooTrain

/// `zoo experiment warmstart REF --data TRAIN --val VAL --grid lr=...,wd=... --target X`: a grid
/// search run twice, every trial from the pretrained weights and every trial from the best earlier
/// trial; epochs and time to reach the target for both. `--save-best` stores the best trial.
struct ExperimentWarmStartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warmstart",
        abstract: "Grid search where each trial starts from the best earlier trial, against starting from the pretrained weights.",
        discussion: """
        Answers "can the weights of a previous run speed up the next?". The grid is every learning \
        rate × every weight decay, lr-major. Strategy "pretrained": each trial starts from the \
        pretrained network with a fresh head (the last dense layer replaced for the classes of \
        --data). Strategy "warm": each trial starts from the final weights of the best earlier \
        trial (by final validation accuracy; the first from the pretrained weights). Every trial \
        trains --epochs; epochs and wall time until validation accuracy first reaches --target \
        are reported (epoch 0: the starting weights already do). With --save-best the best trial's \
        weights become a new version whose lineage (operation "experiment") links to REF and \
        records the grid, the data's SHA-256 and the result summary. Example: zoo experiment \
        warmstart digits-mlp --data zoo/datasets/digits-target-train.csv.gz --val \
        zoo/datasets/digits-target-test.csv.gz --grid lr=1e-3,3e-3,wd=0,1e-4 --target 0.9.
        \(ExperimentOptions.exitHelp)
        """)

    @Argument(help: ArgumentHelp("The pretrained model: name, name:N, name:tag or name@sha256:hex.", valueName: "ref"))
    var reference: String

    @OptionGroup var common: ExperimentOptions

    @Option(help: ArgumentHelp("Validation data (CSV): the target and \"best\" are measured on it.", valueName: "file"))
    var val: String

    @Option(help: ArgumentHelp("The grid: lr= then learning rates, optionally wd= then weight decays (default 0), all comma-separated: lr=1e-3,1e-2,wd=0,1e-4.", valueName: "lr=x,...,wd=y,..."))
    var grid: String

    @Option(help: ArgumentHelp("Target validation accuracy, a fraction in (0, 1].", valueName: "x"))
    var target: Double

    @Option(help: ArgumentHelp("Epochs per trial.", valueName: "n"))
    var epochs: Int = 10

    @Option(help: ArgumentHelp("What trains: finetune (the whole network) or frozen (only the head).", valueName: "finetune|frozen"))
    var regime: String = "finetune"

    @Option(help: "Seed of the head, the shuffling and every trial.")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Store the best trial's weights as a new version of NAME (tagged TAG if given), its lineage linked to REF.", valueName: "name[:tag]"))
    var saveBest: String?

    @OptionGroup var store: StoreOptions

    /// `lr=1e-3,1e-2,wd=0,1e-4` as learning rates and weight decays.
    static func parseGrid(_ text: String) throws -> (lr: [Double], wd: [Double]) {
        var lists: [String: [Double]] = [:]
        var key: String?
        for raw in text.split(separator: ",", omittingEmptySubsequences: false) {
            var item = raw.trimmingCharacters(in: .whitespaces)
            if let eq = item.firstIndex(of: "=") {
                let name = item[..<eq].lowercased()
                switch name {
                case "lr", "learning_rate": key = "lr"
                case "wd", "weight_decay", "weight-decay": key = "wd"
                default: throw ValidationError("--grid '\(text)': unknown parameter '\(name)'; the grid takes lr= and wd=")
                }
                if let k = key, lists[k] != nil { throw ValidationError("--grid '\(text)' names \(k)= twice") }
                item = String(item[item.index(after: eq)...])
            }
            guard let k = key else { throw ValidationError("--grid '\(text)' must start with lr= (for example lr=1e-3,1e-2,wd=0,1e-4)") }
            guard let v = Double(item), v.isFinite, k == "lr" ? v > 0 : v >= 0 else {
                throw ValidationError("--grid '\(text)': '\(item)' is not a valid \(k == "lr" ? "learning rate (a number above 0)" : "weight decay (a number of 0 or more)")")
            }
            lists[k, default: []].append(v)
        }
        guard let lr = lists["lr"], !lr.isEmpty else { throw ValidationError("--grid '\(text)' has no learning rates; give lr=X,Y,...") }
        return (lr, lists["wd"] ?? [0])
    }

    func validate() throws {
        _ = try StoreText.reference(reference)
        _ = try Self.parseGrid(grid)
        guard target > 0 && target <= 1 else { throw ValidationError("--target is a validation accuracy, a fraction above 0 and at most 1, not \(target)") }
        guard regime == "finetune" || regime == "frozen" else { throw ValidationError("--regime must be finetune or frozen, not '\(regime)'") }
        if let saveBest {
            let ref = try StoreText.reference(saveBest)
            switch ref.selector {
            case .latest, .tag: break
            default: throw ValidationError("--save-best '\(saveBest)' must be NAME or NAME:TAG (versions are numbered by the store)")
            }
        }
        try common.validate(epochs: epochs)
    }

    func run() throws {
        try TrainingOptions.reporting {
            let (rates, decays) = try Self.parseGrid(grid)
            let config = try common.configuration(epochs: epochs, seed: seed)
            let zoo = try store.open(forWriting: saveBest != nil)
            let model = try common.loadModel(zoo, reference)
            let skip = common.input.skipLog()
            let training = try common.loadData(common.data, for: model, what: "training file", training: true, skip: skip)
            let validation = try common.loadData(val, for: model, what: "validation file", skip: skip)
            var search = WarmStartSearch(model: model.description, tensors: model.tensors, training: training, validation: validation,
                                         learningRates: rates, weightDecays: decays, target: target, configuration: config)
            search.regime = regime == "frozen" ? .frozen : .finetune
            let folder = common.outputFolder(kind: "warmstart", model: model.version)
            if !common.json {
                print("warm-start search on \(model.version.reference) \(model.version.digest.short): \(rates.count) learning rates × \(decays.count) weight decays, "
                      + "\(epochs) epochs per trial, \(regime), target \(ReportFormat.fraction(target)) on \(validation.count) validation rows")
                fflush(nil)
            }
            let progress = Progress("warmstart", total: UInt64(2 * rates.count * decays.count))
            let features = try common.cache.caching(zoo, progress: false)
            search.featureCache = features
            let result = try search.run { _ in progress.advance(by: 1) }
            progress.finish()
            let report = WarmStartReport(result: result)
            var extra: [String: Any] = [:]
            var saved: String?
            if let saveBest {
                saved = try save(search: search, result: result, model: model, zoo: zoo, as: saveBest)
                extra["saved"] = saved
            }
            let table = ExperimentOptions.render(report.summaryTable()) + "\n\n" + ExperimentOptions.render(report.trialTable())
                + (saved.map { "\n\n" + $0 } ?? "")
            DataOptions.reportSkipped(skip)
            try common.finish(report, folder: folder, table: table, extra: extra, features: features)
        }
    }

    /// Re-trains the best trial and stores its weights as a new version; returns a line saying so.
    func save(search: WarmStartSearch, result: WarmStartResult, model: TrainingOptions.Runnable, zoo: Store, as target: String) throws -> String {
        // Best by final accuracy; ties go to the earlier trial (pretrained strategy first).
        guard let best = result.trials.enumerated().max(by: { a, b in
            a.element.finalAccuracy < b.element.finalAccuracy || (a.element.finalAccuracy == b.element.finalAccuracy && a.offset > b.offset)
        })?.element else { throw TrainError(.invalidConfiguration, "the search ran no trials; nothing to save") }
        let replay = try search.replay(best, of: result)
        var description = replay.description
        if let labels = description.metadata.labels, labels.count != max(search.training.classCount, search.validation.classCount) {
            description.metadata.labels = nil  // the source task's class names do not name the new head's outputs
        }
        // The grid sets lr and weight decay per trial; "best" records the winning pair.
        var training = search.configuration.lineageParameters
        training["lr"] = nil
        training["weight_decay"] = nil
        var parameters: [String: JSONValue] = [
            "experiment": .string("warmstart"),
            "grid": .object(["lr": .array(result.learningRates.map { .number($0) }), "wd": .array(result.weightDecays.map { .number($0) })]),
            "target": .number(result.target), "regime": .string(regime), "epochs": .number(Double(result.epochs)),
            "data": .string(try DataOptions.digest(common.data, search.training)), "val": .string(try DataOptions.digest(val, search.validation)),
            "training": .object(training),
            "best": .object(["strategy": .string(best.strategy.rawValue), "trial": .number(Double(best.index)),
                             "lr": .number(best.learningRate), "wd": .number(best.weightDecay),
                             "started_from": best.startedFrom.map { .number(Double($0)) } ?? .null,
                             "final_accuracy": .number(replay.finalAccuracy),
                             "epochs_to_target": best.epochsToTarget.map { .number(Double($0)) } ?? .null]),
            // Timings are left out: they differ between runs, the digest must not.
            "summary": .array(result.summaries.map { s in
                .object(["strategy": .string(s.strategy.rawValue), "reached": .number(Double(s.reached)), "trials": .number(Double(s.trials)),
                         "total_epochs_to_target": .number(Double(s.totalEpochsToTarget)), "best_accuracy": .number(s.bestAccuracy)])
            }),
        ]
        parameters["replay_matches"] = .bool(replay.matches)
        description.lineage = LineageRecord(parent: model.version.digest.description, operation: "experiment", parameters: parameters)
        let ref = try ModelReference(parsing: target)
        var tag: String?
        if case .tag(let t) = ref.selector { tag = t }
        let stored = try zoo.commitDerived(try Self.derived(replay.tensors, description: description, parent: model.config),
                                           parent: model.manifest, config: model.config, name: ref.name, tag: tag)
        let v = stored.version
        return "stored the best trial (\(best.strategy.rawValue) #\(best.index), lr \(ReportFormat.rate(best.learningRate)), wd \(best.weightDecay), "
            + "validation accuracy \(ReportFormat.fraction(replay.finalAccuracy))) as \(v.reference)\(tag.map { " (\($0))" } ?? "") \(v.digest.short); "
            + "\(stored.newTensors.count) tensors new, \(v.tensorCount - stored.newTensors.count) carried from \(model.version.reference)"
            + (replay.matches ? "" : "\nwarning: the replayed trial's accuracy differs from the search's; the stored weights are the replay's")
    }

    /// The new version's tensors against the parent's: same name and bytes reuse the parent's
    /// blob, anything else (the new head, trained weights) is encoded anew.
    static func derived(_ tensors: [String: [Float]], description: ModelDescription, parent: ModelConfig) throws -> DerivedModel {
        let records = Dictionary(parent.tensors.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let inputs = try Network.shapes(for: description)
        var shapes: [String: [Int]] = [:]
        for (i, layer) in description.layers.enumerated() {
            for (role, shape) in try layer.op.parameterShapes(for: inputs[i]) { shapes[layer.tensors[role] ?? "\(layer.name).\(role)"] = shape }
        }
        var kept: [String] = [], new: [InitializedTensor] = []
        for name in tensors.keys.sorted() {
            let values = tensors[name] ?? []
            let shape = shapes[name] ?? [values.count]
            let t = InitializedTensor(name: name, shape: shape, values: values, summary: "experiment")
            if let r = records[name], r.dtype == .f32, r.shape == shape, SHA256Digest.hex(t.littleEndianBytes) == r.sha256 {
                kept.append(name)
            } else {
                new.append(t)
            }
        }
        return DerivedModel(keptTensors: kept, newTensors: new, model: description, metadata: parent.metadata)
    }
}
