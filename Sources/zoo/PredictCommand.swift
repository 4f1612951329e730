import ArgumentParser
import Foundation
import ZooFormat
import ZooModel
import ZooRegistry
import ZooTrain

/// `zoo predict REF --data FILE`: one prediction per row, with the model's stored normalisation.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict a class for each row of a CSV file.",
        discussion: """
        FILE is CSV: the model's input features per row, optionally followed by an integer label \
        (then shown next to the prediction). A header line and gzip are accepted. The output is \
        the class's label name when the model has labels, else its index, and its probability.
        """)

    @Argument(help: ArgumentHelp("The model: name, name:N, name:tag or name@sha256:hex.", valueName: "ref"))
    var reference: String

    @Option(help: ArgumentHelp("Rows to predict (CSV).", valueName: "file"))
    var data: String

    @Flag(help: "Print the predictions as JSON.")
    var json = false

    @OptionGroup var store: StoreOptions

    func validate() throws {
        _ = try TrainingOptions.reference(reference)
    }

    func run() throws {
        try TrainingOptions.reporting {
            let zoo = try store.open()
            let model = try TrainingOptions.loadRunnable(zoo, reference)
            let width = model.network.inputShape.reduce(1, *)
            let (features, truth) = try Self.rows(data, width: width)
            var rows = Dataset(features: features, featureCount: width, labels: [Int](repeating: 0, count: features.count / width))
            rows = try rows.normalized(for: model.description)
            let predictions = try Trainer.predict(network: model.network, features: rows.features)
            let labels = model.description.metadata.labels
            if json {
                try Output.printJSON(JSONValue.object([
                    "model": .string(model.version.reference), "digest": .string(model.version.digest.description),
                    "predictions": .array(predictions.enumerated().map { i, p in
                        var o: [String: JSONValue] = [
                            "row": .number(Double(i + 1)), "class": .number(Double(p.label)),
                            "probability": .number(Double(p.probabilities[p.label])),
                        ]
                        if let labels, labels.indices.contains(p.label) { o["label"] = .string(labels[p.label]) }
                        if let truth { o["true_class"] = .number(Double(truth[i])) }
                        return .object(o)
                    }),
                ]))
                return
            }
            var table = Table(["row", "prediction", "probability"] + (truth == nil ? [] : ["true"]),
                              alignments: [.right, .left, .right, .left])
            for (i, p) in predictions.enumerated() {
                var cells = [String(i + 1), TrainingOptions.className(p.label, labels: labels),
                             String(format: "%.4f", p.probabilities[p.label])]
                if let truth { cells.append(TrainingOptions.className(truth[i], labels: labels)) }
                table.add(cells)
            }
            print(table.render())
            if let truth {
                let right = zip(predictions, truth).filter { $0.0.label == $0.1 }.count
                print(String(format: "%d of %d correct (%.2f%%)", right, truth.count, 100 * Double(right) / Double(max(1, truth.count))))
            }
        }
    }

    /// Reads rows of `width` features, or `width` features and a label (a first line that is not
    /// numeric is a header). Returns the features and, when every row had one, the labels.
    static func rows(_ path: String, width: Int) throws -> (features: [Float], labels: [Int]?) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrainError(.invalidData, "data file '\(path)' does not exist or cannot be read; give a CSV file of \(width) features per row")
        }
        var bytes = [UInt8](data)
        if Gzip.isGzip(bytes) { bytes = try Gzip.decompress(bytes) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw TrainError(.invalidData, "data file '\(path)' is not UTF-8 text; expected CSV")
        }
        var features: [Float] = []
        var labels: [Int] = []
        var labelled: Bool?
        for (n, line) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            if fields.count == 1 && fields[0].isEmpty { continue }
            let values = fields.map { Float($0) }
            if values.contains(where: { $0 == nil }) {
                if n == 0 { continue }
                throw TrainError(.invalidData, "'\(path)' line \(n + 1): a field is not a number")
            }
            let hasLabel = fields.count == width + 1
            guard fields.count == width || hasLabel else {
                throw TrainError(.invalidData, "'\(path)' line \(n + 1) has \(fields.count) fields but the model's input is \(width) values; give \(width) features per row (optionally then a label)")
            }
            if let l = labelled, l != hasLabel {
                throw TrainError(.invalidData, "'\(path)' line \(n + 1) has \(fields.count) fields but earlier rows have \(l ? width + 1 : width); every row needs the same width")
            }
            labelled = hasLabel
            let numbers = values.compactMap { $0 }
            guard numbers.prefix(width).allSatisfy(\.isFinite) else {
                throw TrainError(.invalidData, "'\(path)' line \(n + 1): a feature is not finite")
            }
            features.append(contentsOf: numbers.prefix(width))
            if hasLabel {
                guard let label = Int(fields[width]), label >= 0 else {
                    throw TrainError(.invalidData, "'\(path)' line \(n + 1): the label '\(fields[width])' is not a non-negative integer")
                }
                labels.append(label)
            }
        }
        guard labelled != nil else { throw TrainError(.invalidData, "'\(path)' has no rows") }
        return (features, labelled == true ? labels : nil)
    }
}
