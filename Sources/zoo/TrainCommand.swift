import ArgumentParser
import Foundation
import ZooData
import ZooFormat
import ZooModel
import ZooRegistry
import ZooTrain

/// `zoo train REF --data FILE ...`: trains the layers that are not frozen and stores the result as
/// a new version whose lineage records the data's digest, every hyperparameter and the history.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a stored model on images, arrays or CSV rows and store the result as a new version.",
        discussion: """
        FILE is an image folder (one subfolder per class, as torchvision's ImageFolder), a CSV \
        listing path,label, an IDX file (MNIST family, gzip accepted; labels from --labels or the \
        labels file beside it), an .npz with arrays x and y, or CSV rows of features then an \
        integer label (a header line and gzip are accepted); formats/data.md says more. Images \
        are decoded and preprocessed as the model card says (resize, centre crop, mean and std), \
        ahead of the trainer on every core; --augment trains on seeded random resized crops and \
        flips instead. A folder's class names must be among the model's labels, and become its \
        labels when it has none. \
        Validation data is --val FILE, or a seeded, stratified --val-fraction of FILE. The fitted \
        --normalize is stored in the new version's metadata, so evaluate and predict apply it. \
        Tensors that did not change (a frozen backbone) keep their stored blobs. Same seed, same \
        data, same build: same weights and the same version digest. \
        With a frozen backbone and no --augment, the backbone's outputs on the data are computed \
        once and kept in the store's feature cache: later epochs and later runs (another head, \
        other hyperparameters) train on them without running the backbone, with the same weights \
        (--no-feature-cache turns it off; a line after training says what was made or used). \
        A model the trainer cannot run (inferred layers, missing tensors) is refused before any work. \
        Examples: zoo train digits59 --data zoo/datasets/digits-target-train.csv.gz --freeze backbone; \
        zoo train mnv2-pets --data pets/train --image-size 160 --augment --epochs 5.
        """)

    @Argument(help: ArgumentHelp("The model to train: name, name:N, name:tag or name@sha256:hex.", valueName: "ref"))
    var reference: String

    @Option(help: ArgumentHelp("Training data: an image folder, a path,label CSV, IDX, .npz (x, y) or CSV rows (features then label).", valueName: "file"))
    var data: String

    @Option(help: ArgumentHelp("Validation data, in any form --data takes.", valueName: "file"))
    var val: String?

    @OptionGroup(title: "Data") var input: DataOptions

    @Flag(help: "Augment training images: seeded random resized crops (scale 0.08-1, ratio 3/4-4/3) and horizontal flips, as torchvision's RandomResizedCrop + RandomHorizontalFlip.")
    var augment = false

    @Option(help: ArgumentHelp("Hold out this fraction of --data for validation (default 0.2 unless --val).", valueName: "x"))
    var valFraction: Double?

    @Option(help: ArgumentHelp("Feature normalisation fitted on the training rows: none, max, scale:X or standardize (default: the model's own, else none).", valueName: "method"))
    var normalize: String?

    @OptionGroup var hyperparameters: TrainingOptions

    @OptionGroup(title: "Feature cache") var cache: FeatureCacheOptions

    @Option(name: .customLong("as"), help: ArgumentHelp("Store as a new version of NAME (tagged TAG if given); default: the source's name.", valueName: "name[:tag]"))
    var saveAs: String?

    @Flag(help: "Print the history and the new version as JSON.")
    var json = false

    @OptionGroup var store: StoreOptions

    func validate() throws {
        _ = try StoreText.reference(reference)
        do {
            _ = try hyperparameters.configuration()
            if let normalize { _ = try NormalizationMethod(parsing: normalize) }
        } catch {
            throw ValidationError(error.message)
        }
        if val != nil && valFraction != nil { throw ValidationError("give either --val FILE or --val-fraction X, not both") }
        try input.validate()
        if let f = valFraction, !(f >= 0 && f < 1) { throw ValidationError("--val-fraction must be from 0 up to (not including) 1, not \(f)") }
        if let saveAs {
            let ref = try StoreText.reference(saveAs)
            switch ref.selector {
            case .latest, .tag: break
            default: throw ValidationError("--as '\(saveAs)' must be NAME or NAME:TAG (versions are numbered by the store)")
            }
        }
    }

    func run() throws {
        try TrainingOptions.reporting {
            let config = try hyperparameters.configuration()
            let zoo = try store.open()
            // The model first: a model that cannot run is refused before the data is read.
            let model = try TrainingOptions.loadRunnable(zoo, reference, frozenLayers: { d in try config.freeze.frozenLayerCount(for: d) },
                                                         seed: config.seed, imageSize: input.imageSize)
            let network = model.network
            let skip = input.skipLog()
            let all = try input.open(data, for: model, augment: augment, skip: skip)
            if augment && !all.augments {
                throw TrainError(.invalidData, "--augment applies to images, and '\(data)' holds feature rows or float arrays")
            }
            var training = all, validation: (any DataSource)?
            let fraction = val == nil ? (valFraction ?? 0.2) : 0
            if let val {
                validation = try input.open(val, for: model, what: "validation file", labelsPath: "", skip: skip)
            } else if fraction > 0 {
                let parts = all.split(validationFraction: fraction, seed: config.seed)
                training = parts.train
                validation = parts.validation
            }
            guard training.count > 0 else { throw TrainError(.invalidData, "'\(data)' leaves no training rows; give more rows or a smaller --val-fraction") }
            let method = try normalize.map { try NormalizationMethod(parsing: $0) }
            var normalization = model.description.metadata.normalization
            if let method {
                guard let rows = training as? Dataset else {
                    throw TrainError(.invalidData, "--normalize fits on feature rows, and '\(data)' is image data; images are normalised by the model card's preprocessing (mean and std)")
                }
                normalization = rows.fitNormalization(method)
            }
            if let normalization {
                training = try training.normalized(normalization)
                validation = try validation?.normalized(normalization)
            }

            var trainer = Trainer(configuration: config)
            trainer.skip = skip
            trainer.featureCache = try cache.caching(zoo, progress: !json)
            let width = Self.columnWidths
            if !json {
                print("training \(model.version.reference) \(model.version.digest.short): \(training.count) training rows, "
                      + "\(validation.map { "\($0.count) validation rows" } ?? "no validation"), "
                      + "\(network.frozenLayers) of \(network.layers.count) layers frozen, "
                      + "\(network.trainableParameters.reduce(0) { $0 + $1.value.data.count }) trainable parameters")
                print(Self.row(["epoch", "train loss", "train acc", "val loss", "val acc", "lr", "seconds"], width))
            }
            var progress: Progress?
            let result = try trainer.train(network: network, training: training, validation: validation, onEpoch: { m in
                progress?.finish()
                progress = nil
                guard !json else { return }
                print(Self.row([String(m.epoch), Self.fixed(m.trainLoss, 4), Self.percent(m.trainAccuracy),
                                m.validationLoss.map { Self.fixed($0, 4) } ?? "-", m.validationAccuracy.map(Self.percent) ?? "-",
                                String(format: "%.2e", m.learningRate), Self.fixed(m.seconds, 2)], width))
                fflush(nil)  // all C streams: the row shows now even when stdout is a pipe
            }, onBatch: { b in
                if progress == nil { progress = Progress("epoch \(b.epoch)", total: UInt64(b.batches)) }
                progress?.advance(to: UInt64(b.batch))
            })

            DataOptions.reportSkipped(skip)
            if !json, let line = FeatureCacheOptions.summary(result.featureCache, forwards: result.backboneForwardSamples,
                                                             enabled: trainer.featureCache != nil) {
                print(line)
            }
            var description = model.description
            description.metadata.normalization = normalization
            // A folder's class names name the outputs of a model that had no labels.
            if description.metadata.labels == nil, let names = all.classNames, names.count == network.outputShape.reduce(1, *) {
                description.metadata.labels = names
            }
            var parameters = config.lineageParameters
            parameters["data"] = .string(try DataOptions.digest(data, all))
            parameters["data_rows"] = .number(Double(all.count))
            if let val, let validation {
                parameters["val"] = .string(try DataOptions.digest(val, validation))
            } else {
                parameters["val_fraction"] = .number(fraction)
            }
            // Recorded only when used, so runs without them keep their digests.
            if let size = input.imageSize { parameters["image_size"] = .number(Double(size)) }
            if augment { parameters["augment"] = .string("random_resized_crop+hflip") }
            if let skip { parameters["skipped_bad"] = .number(Double(skip.count)) }
            parameters["normalize"] = .string(normalize ?? (normalization == nil ? "none" : "model"))
            parameters["frozen_layers"] = .number(Double(result.frozenLayers))
            // Timings are left out of the lineage: they differ between runs, the digest must not.
            parameters["history"] = .array(result.history.map(Self.lineageEntry))
            description.lineage = LineageRecord(parent: model.version.digest.description, operation: "train", parameters: parameters)

            var name = model.version.name, tag: String?
            if let saveAs, let ref = try? ModelReference(parsing: saveAs) {
                name = ref.name
                if case .tag(let t) = ref.selector { tag = t }
            }
            let stored = try zoo.commitTrained(result.tensors, model: description, metadata: model.config.metadata,
                                               parent: model.manifest, config: model.config, name: name, tag: tag)
            let v = stored.version
            if json {
                try Output.printJSON(JSONValue.object([
                    "parent": .string(model.version.reference), "parent_digest": .string(model.version.digest.description),
                    "version": .string(v.reference), "digest": .string(v.digest.description),
                    "history": .array(result.history.map(\.jsonValue)),
                    "tensors_changed": .array(stored.newTensors.map { .string($0) }),
                    "new_blob_bytes": .number(Double(stored.newBlobBytes)), "reused_blob_bytes": .number(Double(stored.reusedBlobBytes)),
                    "frozen_layers": .number(Double(result.frozenLayers)),
                    "feature_cache": FeatureCacheOptions.json(result.featureCache, forwards: result.backboneForwardSamples),
                ]))
                return
            }
            print("stored \(v.reference)\(tag.map { " (\($0))" } ?? "") \(v.digest.short): \(stored.newTensors.count) tensors changed, "
                  + "\(v.tensorCount - stored.newTensors.count) carried from the parent; \(Output.bytes(stored.newBlobBytes)) new in the store")
        }
    }

    /// Column widths of the epoch table.
    static let columnWidths = [5, 10, 9, 9, 8, 9, 7]

    /// One line of the epoch table, right-aligned columns.
    static func row(_ cells: [String], _ widths: [Int]) -> String {
        zip(cells, widths).map { c, w in String(repeating: " ", count: max(0, w - c.count)) + c }.joined(separator: "  ")
    }

    static func fixed(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }
    static func percent(_ x: Double) -> String { String(format: "%.2f%%", 100 * x) }

    /// An epoch's metrics without its timings, for the lineage.
    static func lineageEntry(_ m: EpochMetrics) -> JSONValue {
        guard case .object(var o) = m.jsonValue else { return m.jsonValue }
        o["seconds"] = nil
        o["samples_per_second"] = nil
        return .object(o)
    }
}
