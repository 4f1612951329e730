import ArgumentParser
import Foundation
import ZooFormat
import ZooModel
import ZooRegistry
import ZooTrain

/// `zoo evaluate REF --data FILE`: loss, accuracy, per-class accuracy and the confusion matrix,
/// with the model's stored normalisation applied.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Evaluate a stored model on a labelled CSV file.",
        discussion: """
        FILE is CSV: features then an integer label per row. The normalisation stored with the \
        model (by train --normalize) is applied first. Rows of the confusion matrix are true \
        classes, columns predicted ones.
        """)

    @Argument(help: ArgumentHelp("The model: name, name:N, name:tag or name@sha256:hex.", valueName: "ref"))
    var reference: String

    @Option(help: ArgumentHelp("Labelled data (CSV, features then label).", valueName: "file"))
    var data: String

    @Flag(help: "Print the evaluation as JSON.")
    var json = false

    @OptionGroup var store: StoreOptions

    func validate() throws {
        _ = try TrainingOptions.reference(reference)
    }

    func run() throws {
        try TrainingOptions.reporting {
            let zoo = try store.open()
            let model = try TrainingOptions.loadRunnable(zoo, reference)
            let rows = try TrainingOptions.loadData(data, for: model.network).normalized(for: model.description)
            let e = try Trainer.evaluate(network: model.network, data: rows)
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
