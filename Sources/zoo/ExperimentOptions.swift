import ArgumentParser
import Foundation
import ZooFormat
import ZooModel
import ZooRegistry
import ZooTrain

/// The flags every experiment shares (training data, batch, optimizer, output folder), and the
/// steps they share: load the model and data with their checks, parse lists, write the report.
struct ExperimentOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Training data: an image folder, a path,label CSV, IDX, .npz (x, y), or CSV rows of features then an integer label (gzip and a header line accepted). Samples must have the model's input size.", valueName: "file"))
    var data: String

    @OptionGroup(title: "Data") var input: DataOptions

    @Flag(help: "Augment training images (seeded random resized crops and flips); test and validation images are centre-cropped.")
    var augment = false

    @Option(help: ArgumentHelp("Examples per step. Small target sets (5 classes × 1 example) give one short batch per epoch.", valueName: "n"))
    var batch: Int = 32

    @Option(help: ArgumentHelp("Update rule: sgd, adam or adamw. Adam is forgiving of the learning rate; sgd usually wants --momentum 0.9 and a larger --lr.", valueName: "sgd|adam|adamw"))
    var optimizer: String = "adam"

    @Option(help: ArgumentHelp("SGD momentum (ignored by adam and adamw).", valueName: "x"))
    var momentum: Double = 0

    @Option(help: ArgumentHelp("Weight decay: L2 for sgd and adam, decoupled for adamw. 0 turns it off.", valueName: "x"))
    var weightDecay: Double = 0

    @Option(help: ArgumentHelp("Folder for the JSON, SVG charts and index.html (created if missing; files of the same names are replaced). Default: experiments/KIND-NAME.", valueName: "dir"))
    var out: String?

    @Flag(help: "Print the result and the files written as JSON instead of tables.")
    var json = false

    @OptionGroup(title: "Feature cache") var cache: FeatureCacheOptions

    /// The shared part of the training configuration; `epochs`, `lr` and `seed` come from the command.
    func configuration(epochs: Int = 1, lr: Double = 1e-3, seed: UInt64 = 0) throws(TrainError) -> TrainingConfiguration {
        var c = TrainingConfiguration()
        c.epochs = epochs
        c.batchSize = batch
        c.learningRate = lr
        c.optimizer = try OptimizerKind(name: optimizer, momentum: momentum, nesterov: false)
        c.weightDecay = weightDecay
        c.seed = seed
        try c.validate()
        return c
    }

    /// Usage checks of the shared flags (exit status 64): the configuration and the output folder.
    func validate(epochs: Int = 1, lr: Double = 1e-3) throws {
        try input.validate()
        do { _ = try configuration(epochs: epochs, lr: lr) } catch { throw ValidationError(error.message) }
        if let out, out.isEmpty { throw ValidationError("--out must name a folder") }
        if let out {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: out, isDirectory: &isFolder), !isFolder.boolValue {
                throw ValidationError("--out '\(out)' is a file; give a folder (it is created if missing)")
            }
        }
    }

    /// The folder the report goes to: `--out`, else `experiments/KIND-NAME`.
    func outputFolder(kind: String, model: ModelVersion) -> String {
        out ?? "experiments/\(kind)-\(model.name)"
    }

    /// Loads a stored model the trainer can run (at --image-size when given); anything else is
    /// refused with every reason.
    func loadModel(_ zoo: Store, _ reference: String) throws -> TrainingOptions.Runnable {
        try TrainingOptions.loadRunnable(zoo, reference, imageSize: input.imageSize)
    }

    /// Opens data in any form --data takes and checks only what an experiment needs: it exists,
    /// has samples, and they have the model's input size. Labels are not checked against the
    /// model's outputs: the experiments replace the classifier with a head for the data's own
    /// classes. `training` data is augmented under --augment; it alone takes --labels.
    func loadData(_ path: String, for model: TrainingOptions.Runnable, what: String, training: Bool = false,
                  skip: SkipLog?) throws -> any DataSource {
        let data = try input.open(path, for: model, what: what, augment: training && augment, labelsPath: training ? nil : "",
                                  matchLabels: false, checkLabels: false, skip: skip)
        guard data.count > 0 else { throw TrainError(.invalidData, "\(what) '\(path)' has no rows") }
        guard data.hasLabels else { throw TrainError(.invalidData, "\(what) '\(path)' has no labels; the experiments need labelled data") }
        return data
    }

    /// The fewest examples any class 0..<classes has in `data` (0 when a class is missing).
    static func smallestClass(_ data: some DataSource, classes: Int) -> (label: Int, count: Int) {
        var counts = [Int](repeating: 0, count: max(classes, 1))
        for l in data.labels where l >= 0 && l < counts.count { counts[l] += 1 }
        let label = counts.indices.min { counts[$0] < counts[$1] } ?? 0
        return (label, counts[label])
    }

    /// Parses `1,2,5` into positive integers; a usage error names the flag and the bad item.
    static func positiveIntegers(_ text: String, flag: String, allowZero: Bool = false) throws -> [Int] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        var result: [Int] = []
        for item in items {
            guard let v = Int(item), v >= (allowZero ? 0 : 1) else {
                throw ValidationError("\(flag) '\(text)': '\(item)' is not a whole number \(allowZero ? "of 0 or more" : "of 1 or more"); give a comma-separated list such as 1,2,5")
            }
            result.append(v)
        }
        guard Set(result).count == result.count else { throw ValidationError("\(flag) '\(text)' lists a value twice") }
        return result
    }

    /// `--seeds 5` means seeds 1 to 5; `--seeds 3,7,11` names them.
    static func seeds(_ text: String) throws -> [UInt64] {
        if !text.contains(","), let n = Int(text.trimmingCharacters(in: .whitespaces)) {
            guard n >= 1 && n <= 1000 else { throw ValidationError("--seeds \(n): give a count from 1 to 1000, or a list such as 3,7,11") }
            return (1...n).map(UInt64.init)
        }
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let values = items.compactMap { UInt64($0) }
        guard values.count == items.count, !values.isEmpty else {
            throw ValidationError("--seeds '\(text)' is neither a count (5) nor a list of seeds (3,7,11)")
        }
        guard Set(values).count == values.count else { throw ValidationError("--seeds '\(text)' lists a seed twice") }
        return values
    }

    /// Writes the report into `folder`, then prints either `table` and the paths, or the result
    /// and the paths as one JSON object.
    func finish<R: ExperimentReport>(_ report: R, folder: String, table: String, extra: [String: Any] = [:],
                                     features: FeatureCaching? = nil) throws {
        let written: [URL]
        do {
            written = try report.write(to: URL(fileURLWithPath: folder, isDirectory: true))
        } catch {
            throw TrainError(.invalidData, "cannot write the report into '\(folder)': \(error.localizedDescription)")
        }
        if json {
            var object = extra
            if let features {
                object["feature_cache"] = FeatureCacheOptions.jsonObject(features.events, forwards: features.backboneForwardSamples)
            }
            object["result"] = try JSONSerialization.jsonObject(with: try report.json())
            object["files"] = written.map(\.path)
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        print(table)
        if let features, let line = FeatureCacheOptions.summary(features.events, forwards: features.backboneForwardSamples, enabled: true) {
            print(line)
        }
        print("wrote \(written.count) files into \(folder)/:")
        for url in written { print("  \(url.path)") }
    }

    /// The exit-status paragraph of every experiment's help, with what an experiment refuses.
    static let exitHelp = """
    Nothing is written when an input is wrong. \(Output.exitCodeHelp) \
    A model the trainer cannot run, a missing data file or one whose feature count is not the \
    model's input size gives status 1.
    """

    /// A table from a report's headers and rows, numbers right-aligned.
    static func render(_ t: (headers: [String], rows: [[String]])) -> String {
        var table = Table(t.headers, alignments: [.left] + Array(repeating: .right, count: max(0, t.headers.count - 1)))
        for row in t.rows { table.add(row) }
        return table.render()
    }
}
