import ArgumentParser
import Foundation
import ZooData
import ZooModel
import ZooTrain

/// The data flags of train, evaluate, predict and the experiments: what --data may be beyond
/// CSV rows (an image folder, a `path,label` list, IDX, `.npz`, `.npy`), separate labels, bad
/// files, and the image size; and the step they share: open the data for a model.
struct DataOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Labels for IDX or .npy --data (IDX or .npy of integers). Default for IDX: the MNIST-named labels file beside it (train-images-idx3-ubyte.gz → train-labels-idx1-ubyte.gz).", valueName: "file"))
    var labels: String?

    @Flag(help: "Skip image files that do not decode (a warning for each and a count) instead of stopping with an error.")
    var skipBad = false

    @Option(help: ArgumentHelp("Images of N×N pixels: crop N and resize the shorter side to round(N × resize / crop) (the ImageNet recipe's 256/224: 96 resizes to 110). The model's input becomes [C, N, N]; a trained version records it.", valueName: "n"))
    var imageSize: Int?

    func validate() throws {
        if let imageSize, !(imageSize >= 1 && imageSize <= 4096) {
            throw ValidationError("--image-size must be from 1 to 4096 pixels, not \(imageSize)")
        }
    }

    /// Under --skip-bad, a log that warns once per bad file; nil otherwise.
    func skipLog() -> SkipLog? {
        guard skipBad else { return nil }
        return SkipLog { name, reason in Output.warn("warning: skipping \(name): \(reason)") }
    }

    /// How images become the model's input: the card's preprocessing, else a plain resize to an
    /// image input `[C, H, W]`; nil for a model that takes feature rows.
    static func transform(for description: ModelDescription, input: [Int], augment: Bool) throws -> ImageTransform? {
        var t: ImageTransform?
        if let recipe = description.metadata.preprocessing {
            t = try ImageTransform(recipe)
            if let t, t.sampleShape != input {
                throw TrainError(.invalidData, "the model card's preprocessing makes \(t.sampleShape) tensors but the model's input is \(input); fix the card or pass --image-size")
            }
        } else {
            t = ImageTransform.plain(for: input)
        }
        if augment {
            guard t != nil else { throw TrainError(.invalidData, "--augment needs image data and a model with an image input") }
            t?.augmentation = Augmentation()
        }
        return t
    }

    /// Opens `path` for `model` and checks it fits: image sources get the model's preprocessing
    /// (`augment` adds training-time augmentation); a folder's class names are matched to the
    /// model's labels when it has them (`matchLabels`). `labelsPath` overrides --labels (pass ""
    /// to use only the conventional IDX pair, as for --val and --test).
    func open(_ path: String, for model: TrainingOptions.Runnable, what: String = "data file", augment: Bool = false,
              labelsPath: String? = nil, matchLabels: Bool = true, checkLabels: Bool = true, featureWidth: Int? = nil,
              skip: SkipLog?) throws -> any DataSource {
        var options = DataLoader.Options(labels: labelsPath.map { $0.isEmpty ? nil : $0 } ?? labels,
                                         transform: try Self.transform(for: model.description, input: model.network.inputShape, augment: augment),
                                         skip: skip)
        options.featureWidth = featureWidth
        guard FileManager.default.fileExists(atPath: path) else {
            throw TrainError(.invalidData, "\(what) '\(path)' does not exist; give a CSV file of features then an integer label, an image folder, a path,label list, IDX or .npz")
        }
        var source = try DataLoader.open(path, options: options)
        if matchLabels, source.classNames != nil, let names = model.description.metadata.labels {
            source = try RelabelledSource(source, toClassNames: names)
        }
        try TrainingOptions.check(source, path: path, fits: model.network, labels: checkLabels)
        return source
    }

    /// Warns how many files were skipped, if any.
    static func reportSkipped(_ skip: SkipLog?) {
        guard let skip, skip.count > 0 else { return }
        Output.warn("warning: skipped \(skip.count) bad file\(skip.count == 1 ? "" : "s") (--skip-bad)")
    }

    /// The data's digest for the lineage: a file's SHA-256 (as for CSV files always), a folder's
    /// content digest.
    static func digest(_ path: String, _ source: any DataSource) throws -> String {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            return try source.contentDigest()
        }
        return try TrainingOptions.fileDigest(path)
    }
}
