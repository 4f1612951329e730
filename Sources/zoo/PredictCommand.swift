import ArgumentParser
import Foundation
import ZooData
import ZooFormat
import ZooModel
import ZooRegistry
import ZooTrain

/// `zoo predict REF IMAGE... [--top K]` and `zoo predict REF --data FILE [--output OUT.npy]`:
/// the top classes of images or rows for people (a table, or `--json`), or the model's raw
/// outputs for scripts.
struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Classify images or rows, or write a model's raw outputs (features of a backbone) as .npy.",
        discussion: """
        Inputs are image files named on the command line (PNG, JPEG, PGM/PPM), or --data in any \\
        form train takes (an image folder, a path,label CSV, IDX, .npz, .npy of inputs x, or CSV \\
        rows: the model's input features, optionally then an integer label, which is then shown \\
        next to the prediction). Images are preprocessed as the model card says; rows get the \\
        model's stored normalisation. \\
        People get a table of the top --top K classes (label names when the model has them) with \\
        their softmax probabilities: K is 5 for images and 1 for rows unless given. \\
        --output OUT.npy instead writes the model's raw outputs, float32 [N, ...], one row per \\
        input: every layer runs and no softmax is added, so a classifier gives its logits and a \\
        sliced backbone its features (feature extraction). \\
        Examples: zoo predict mobilenet_v2 cat.jpg dog.png --top 3; \\
        zoo predict backbone --data images.npz --output features.npy.
        """)

    @Argument(help: ArgumentHelp("The model: name, name:N, name:tag or name@sha256:hex.", valueName: "ref"))
    var reference: String

    @Argument(help: ArgumentHelp("Image files to classify.", valueName: "image"))
    var images: [String] = []

    @Option(help: ArgumentHelp("Inputs: an image folder, a path,label CSV, IDX, .npz, .npy or CSV rows.", valueName: "file"))
    var data: String?

    @Option(help: ArgumentHelp("Classes to show per input, most probable first (default 5 for images, 1 for rows).", valueName: "k"))
    var top: Int?

    @Option(help: ArgumentHelp("Write the raw outputs, float32 [N, ...], to this .npy file instead of printing classes.", valueName: "out.npy"))
    var output: String?

    @Flag(help: "Print the predictions (or what --output wrote) as JSON.")
    var json = false

    @OptionGroup(title: "Data") var input: DataOptions

    @OptionGroup var store: StoreOptions

    func validate() throws {
        _ = try StoreText.reference(reference)
        guard images.isEmpty != (data == nil) else {
            throw ValidationError(images.isEmpty ? "give image files to classify, or --data FILE" : "give either image files or --data FILE, not both")
        }
        if let top, top < 1 { throw ValidationError("--top must be 1 or more, not \(top)") }
        if let output, output.isEmpty { throw ValidationError("--output must name a file") }
        try input.validate()
    }

    func run() throws {
        try TrainingOptions.reporting {
            let zoo = try store.open()
            let model = try TrainingOptions.loadRunnable(zoo, reference, imageSize: input.imageSize)
            let network = model.network
            let width = network.inputShape.reduce(1, *)
            let skip = input.skipLog()
            var source: any DataSource
            if images.isEmpty, let data {
                source = try input.open(data, for: model, featureWidth: width, skip: skip)
            } else {
                var options = DataLoader.Options(transform: try DataOptions.transform(for: model.description, input: network.inputShape, augment: false), skip: skip)
                options.labels = nil
                for file in images where !FileManager.default.fileExists(atPath: file) {
                    throw TrainError(.invalidData, "image file '\(file)' does not exist; check the path")
                }
                source = try DataLoader.open(files: images, options: options)
                try TrainingOptions.check(source, path: images[0], fits: network)
            }
            source = try source.normalized(for: model.description)
            if let output {
                try writeOutputs(source, model: model, to: output, skip: skip)
                return
            }
            let (predictions, indices) = try Trainer.predict(network: network, data: source, skip: skip)
            DataOptions.reportSkipped(skip)
            let labels = model.description.metadata.labels
            let named = !(source is Dataset) || !images.isEmpty
            let k = min(top ?? (named ? 5 : 1), network.outputShape.last ?? 1)
            let truth: [Int]? = source.hasLabels ? { let all = source.labels; return indices.map { all[$0] } }() : nil
            if json {
                try Output.printJSON(JSONValue.object([
                    "model": .string(model.version.reference), "digest": .string(model.version.digest.description),
                    "predictions": .array(predictions.enumerated().map { r, p in
                        var o: [String: JSONValue] = [
                            "row": .number(Double(indices[r] + 1)), "class": .number(Double(p.label)),
                            "probability": .number(Double(p.probabilities[p.label])),
                        ]
                        if named { o["input"] = .string(source.name(of: indices[r])) }
                        if let labels, labels.indices.contains(p.label) { o["label"] = .string(labels[p.label]) }
                        if let truth { o["true_class"] = .number(Double(truth[r])) }
                        if k > 1 {
                            o["top"] = .array(Self.ranked(p, k).map { c in
                                var t: [String: JSONValue] = ["class": .number(Double(c)), "probability": .number(Double(p.probabilities[c]))]
                                if let labels, labels.indices.contains(c) { t["label"] = .string(labels[c]) }
                                return .object(t)
                            })
                        }
                        return .object(o)
                    }),
                ]))
                return
            }
            let first = named ? "input" : "row"
            var table = Table([first, "prediction", "probability"] + (truth == nil ? [] : ["true"]),
                              alignments: [named ? .left : .right, .left, .right, .left])
            for (r, p) in predictions.enumerated() {
                let name = named ? Self.shortName(source.name(of: indices[r])) : String(indices[r] + 1)
                for (rank, c) in Self.ranked(p, k).enumerated() {
                    var cells = [rank == 0 ? name : "", TrainingOptions.className(c, labels: labels),
                                 String(format: "%.4f", p.probabilities[c])]
                    if let truth, rank == 0 { cells.append(TrainingOptions.className(truth[r], labels: labels)) }
                    table.add(cells)
                }
            }
            print(table.render())
            if let truth {
                let right = zip(predictions, truth).filter { $0.0.label == $0.1 }.count
                print(String(format: "%d of %d correct (%.2f%%)", right, truth.count, 100 * Double(right) / Double(max(1, truth.count))))
            }
        }
    }

    /// Writes the raw outputs of every input as float32 `.npy` and says what it wrote.
    func writeOutputs(_ source: any DataSource, model: TrainingOptions.Runnable, to path: String, skip: SkipLog?) throws {
        let (values, indices) = try Trainer.outputs(network: model.network, data: source, skip: skip)
        DataOptions.reportSkipped(skip)
        let shape = [indices.count] + model.network.outputShape
        let bytes = NumpyArray(floats: values, shape: shape).serialized()
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw TrainError(.invalidData, "cannot write '\(path)': \(error.localizedDescription)")
        }
        if json {
            var o: [String: JSONValue] = [
                "model": .string(model.version.reference), "digest": .string(model.version.digest.description),
                "output": .string(path), "shape": .array(shape.map { .number(Double($0)) }), "dtype": .string("float32"),
            ]
            if skip != nil { o["rows"] = .array(indices.map { .number(Double($0 + 1)) }) }
            try Output.printJSON(JSONValue.object(o))
            return
        }
        print("wrote \(path): float32 \(TrainingOptions.shapeText(shape)), the raw outputs of \(model.version.reference) for \(indices.count) input\(indices.count == 1 ? "" : "s")")
    }

    /// The `k` most probable classes, best first (ties to the lower class).
    static func ranked(_ p: Prediction, _ k: Int) -> [Int] {
        Array(p.probabilities.indices.sorted { p.probabilities[$0] > p.probabilities[$1] || (p.probabilities[$0] == p.probabilities[$1] && $0 < $1) }.prefix(k))
    }

    /// A file's name as given, without a leading `./`.
    static func shortName(_ path: String) -> String {
        path.hasPrefix("./") ? String(path.dropFirst(2)) : path
    }
}
