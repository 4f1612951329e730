import ArgumentParser
import Foundation
import ZooData
import ZooFormat
import ZooModel
import ZooRegistry
import ZooTrain

/// `zoo evaluate REF --data FILE`: loss, accuracy, per-class accuracy and the confusion matrix,
/// with the model's stored normalisation applied.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate a stored model on labelled images, arrays or CSV rows.",
        discussion: """
        FILE takes every form train --data does: an image folder, a path,label CSV, IDX, .npz \
        (x, y), or CSV rows of features then an integer label. Images are preprocessed as the \
        model card says (centre crop, no augmentation); a folder's class names are matched to the \
        model's labels. The normalisation stored with the model (by train --normalize) is applied \
        to feature rows. Rows of the confusion matrix are true classes, columns predicted ones. \
        Example: zoo evaluate digits59:2 --data zoo/datasets/digits-target-test.csv.gz.
        """)

    @Argument(help: ArgumentHelp("The model: name, name:N, name:tag or name@sha256:hex.", valueName: "ref"))
    var reference: String

    @Option(help: ArgumentHelp("Labelled data: an image folder, a path,label CSV, IDX, .npz (x, y) or CSV rows.", valueName: "file"))
    var data: String

    @OptionGroup(title: "Data") var input: DataOptions

    @Flag(help: "Print the evaluation as JSON.")
    var json = false

    @OptionGroup var store: StoreOptions

    func validate() throws {
        _ = try StoreText.reference(reference)
    }

    func run() throws {
        try TrainingOptions.reporting {
            let zoo = try store.open()
            let model = try TrainingOptions.loadRunnable(zoo, reference, imageSize: input.imageSize)
            let skip = input.skipLog()
            let rows = try input.open(data, for: model, skip: skip).normalized(for: model.description)
            let e = try Trainer.evaluate(network: model.network, data: rows, skip: skip)
            DataOptions.reportSkipped(skip)
            let labels = model.description.metadata.labels
            let names = (0..<e.confusion.count).map { TrainingOptions.className($0, labels: labels) }
            if json {
                try Output.printJSON(JSONValue.object([
                    "model": .string(model.version.reference), "digest": .string(model.version.digest.description),
                    "rows": .number(Double(e.count)), "loss": .number(e.loss), "accuracy": .number(e.accuracy),
                    "classes": .array(names.map { .string($0) }),
                    "per_class_accuracy": .array(e.perClassAccuracy.map { $0.map { .number($0) } ?? .null }),
                    "confusion": .array(e.confusion.map { .array($0.map { .number(Double($0)) }) }),
                ]))
                return
            }
            print("\(model.version.reference) \(model.version.digest.short) on \(data): \(e.count) rows")
            print(String(format: "loss %.4f, accuracy %.2f%%", e.loss, 100 * e.accuracy))
            print("")
            var perClass = Table(["class", "rows", "accuracy"], alignments: [.left, .right, .right])
            for (c, row) in e.confusion.enumerated() {
                let a = e.perClassAccuracy[c].map { String(format: "%.2f%%", 100 * $0) } ?? "-"
                perClass.add([names[c], String(row.reduce(0, +)), a])
            }
            print(perClass.render())
            print("")
            print("confusion (rows: true class, columns: predicted)")
            var confusion = Table(["true \\ predicted"] + names, alignments: [.left] + names.map { _ in .right })
            for (c, row) in e.confusion.enumerated() { confusion.add([names[c]] + row.map(String.init)) }
            print(confusion.render())
        }
    }
}
