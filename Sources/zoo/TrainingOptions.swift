import ArgumentParser
import Foundation
import ZooFormat
import ZooModel
import ZooRegistry
import ZooTrain

/// The hyperparameter flags of `zoo train`, parsed into a `TrainingConfiguration`; and the checks
/// train, evaluate and predict share: the model must run, the data must fit it.
struct TrainingOptions: ParsableArguments {
    @Option(help: "Passes over the training set.")
    var epochs: Int = 10

    @Option(help: "Examples per step.")
    var batch: Int = 32

    @Option(help: "Base learning rate.")
    var lr: Double = 1e-3

    @Option(help: ArgumentHelp("Update rule: sgd, adam or adamw.", valueName: "sgd|adam|adamw"))
    var optimizer: String = "adam"

    @Option(help: "SGD momentum.")
    var momentum: Double = 0

    @Flag(help: "Nesterov momentum (SGD).")
    var nesterov = false

    @Option(help: "Weight decay (L2 for sgd and adam, decoupled for adamw).")
    var weightDecay: Double = 0

    @Option(help: ArgumentHelp("Learning-rate schedule: constant, step:N[:G], cosine[:MIN] or sgdr:T0[:TMULT].", valueName: "schedule"))
    var schedule: String = "constant"

    @Option(help: ArgumentHelp("Epochs of linear warm-up (fractions allowed).", valueName: "n"))
    var warmup: Double = 0

    @Option(help: "Cross-entropy label smoothing.")
    var labelSmoothing: Double = 0

    @Option(help: ArgumentHelp("Clip the global gradient norm to X.", valueName: "x"))
    var clip: Double?

    @Option(help: ArgumentHelp("Frozen layers: backbone, none or a count K (default: the model's own freeze spec).", valueName: "backbone|none|K"))
    var freeze: String?

    @Option(help: "Seed of shuffling, the validation split and dropout.")
    var seed: UInt64 = 0

    /// The configuration these flags give; throws the trainer's message for a bad value.
    func configuration() throws(TrainError) -> TrainingConfiguration {
        var c = TrainingConfiguration()
        c.epochs = epochs
        c.batchSize = batch
        c.learningRate = lr
        c.optimizer = try OptimizerKind(name: optimizer, momentum: momentum, nesterov: nesterov)
        c.weightDecay = weightDecay
        c.schedule = try LearningRateSchedule(parsing: schedule)
        c.warmupEpochs = warmup
        c.labelSmoothing = labelSmoothing
        c.clipNorm = clip
        c.seed = seed
        if let freeze { c.freeze = try FreezeSpec(parsing: freeze) }
        try c.validate()
        return c
    }
}

extension TrainingOptions {
    /// A stored version the trainer can run: its description, Float32 tensors and network.
    struct Runnable {
        var version: ModelVersion
        var manifest: OCIManifest
        var config: ModelConfig
        var description: ModelDescription
        var tensors: [String: [Float]]
        var network: Network
    }

    /// Loads `reference` and builds its network, refusing (with every reason) a model the trainer
    /// cannot run: inferred layers, no input shape, missing or misshapen tensors, an op it lacks,
    /// a dtype other than F32. Nothing is decoded before the description passes.
    ///
    /// `imageSize` (`--image-size`) runs the model on N × N images: its input and preprocessing
    /// are resized first (the returned description carries them, so a trained version records them).
    static func loadRunnable(_ zoo: Store, _ reference: String, frozenLayers: (ModelDescription) throws -> Int? = { _ in nil },
                             seed: UInt64 = 0, imageSize: Int? = nil) throws -> Runnable {
        let (version, manifest, config) = try zoo.load(try ModelReference(parsing: reference))
        var description = config.surgeryDescription
        if let imageSize, description.runnability(tensors: nil).isRunnable {
            description = try description.withImageSize(imageSize)
        }
        let runnability = description.runnability(tensors: config.tensorShapes)
        guard runnability.isRunnable else {
            let at = imageSize.map { " on \($0)x\($0) images (--image-size \($0))" } ?? ""
            throw TrainError(.unsupportedLayer, "\(version.reference) cannot be run by the trainer\(at):\n"
                                    + runnability.reasons.map { "  - " + $0 }.joined(separator: "\n"))
        }
        let tensors = try zoo.floatTensors(manifest: manifest, config: config)
        let network: Network
        do {
            network = try Network(description: description, tensors: tensors, frozenLayers: try frozenLayers(description), seed: seed)
        } catch let error as TrainError {
            throw TrainError(error.kind, "\(version.reference) cannot be run by the trainer: \(error.message)")
        }
        return Runnable(version: version, manifest: manifest, config: config, description: description,
                        tensors: tensors, network: network)
    }

    /// The data's sample size must be the model's input size, and its labels among the outputs.
    /// With `labels` false only the size is checked (the experiments replace the classifier).
    static func check(_ data: some DataSource, path: String, fits network: Network, labels: Bool = true) throws {
        let width = network.inputShape.reduce(1, *)
        guard data.sampleCount == width else {
            if data is Dataset && data.sampleShape.count == 1 {
                throw TrainError(.invalidData, "'\(path)' has \(data.sampleCount) features per row but the model's input is \(shapeText(network.inputShape)) = \(width) values; each row must be \(width) features then a label")
            }
            throw TrainError(.invalidData, "'\(path)' gives samples of shape \(shapeText(data.sampleShape)) (\(data.sampleCount) values) but the model's input is \(shapeText(network.inputShape)) = \(width) values; reshape the arrays, or use a model with this input")
        }
        let classes = network.outputShape.reduce(1, *)
        if labels, data.hasLabels, let (row, label) = data.labels.enumerated().first(where: { $0.element >= classes }) {
            throw TrainError(.invalidData, "'\(path)' \(data is Dataset ? "row" : "sample") \(row + 1) has label \(label), but the model has \(classes) outputs (labels 0 to \(classes - 1)); check the labels or give the model a head with more outputs")
        }
    }

    /// SHA-256 of a file's bytes (the lineage names training data by digest).
    static func fileDigest(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrainError(.invalidData, "cannot read '\(path)'")
        }
        return "sha256:" + SHA256Digest.hex([UInt8](data))
    }

    /// Runs a command's body, turning a trainer or data error into `error: <message>` on stderr
    /// and exit status 1; store, model and format errors go through `SurgeryText.reporting` alike.
    static func reporting(_ body: () throws -> Void) throws {
        try SurgeryText.reporting {
            do { try body() } catch let error as TrainError {
                Output.warn("error: \(error.message)")
                throw ExitCode(Output.dataErrorCode)
            } catch let error as DataError {
                Output.warn("error: \(error.message)")
                throw ExitCode(Output.dataErrorCode)
            }
        }
    }

    /// `[1, 8, 8]` as `1x8x8`.
    static func shapeText(_ shape: [Int]) -> String { shape.map(String.init).joined(separator: "x") }

    /// A class as people read it: its label name when the model has labels, else its index.
    static func className(_ index: Int, labels: [String]?) -> String {
        guard let labels, labels.indices.contains(index) else { return String(index) }
        return labels[index]
    }
}
