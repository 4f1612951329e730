import Dispatch
import ZooModel

/// The training loop: seeded shuffling, mini-batches, loss, backward through the layers that
/// train, gradient clipping, the optimizer step, and per-epoch metrics.
///
/// Every source of randomness derives from `configuration.seed` and every reduction has a fixed
/// order, so the same seed on the same build gives byte-identical weights.
public struct Trainer: Sendable {
    /// Hyperparameters.
    public var configuration: TrainingConfiguration

    /// A trainer with the given hyperparameters.
    public init(configuration: TrainingConfiguration) {
        self.configuration = configuration
    }

    /// Builds the network for `description` with the configuration's freeze spec and trains it.
    public func train(description: ModelDescription, tensors: [String: [Float]], training: Dataset,
                      validation: Dataset? = nil,
                      onEpoch: (EpochMetrics) -> Void = { _ in },
                      onBatch: (BatchProgress) -> Void = { _ in }) throws(TrainError) -> TrainingResult {
        try configuration.validate()
        let frozen = try configuration.freeze.frozenLayerCount(for: description)
        let network = try Network(description: description, tensors: tensors, frozenLayers: frozen, seed: configuration.seed)
        return try train(network: network, training: training, validation: validation, onEpoch: onEpoch, onBatch: onBatch)
    }

    /// Trains `network` in place (its own freeze setting applies) and returns the history and tensors.
    public func train(network: Network, training: Dataset, validation: Dataset? = nil,
                      onEpoch: (EpochMetrics) -> Void = { _ in },
                      onBatch: (BatchProgress) -> Void = { _ in }) throws(TrainError) -> TrainingResult {
        let config = configuration
        try config.validate()
        try Trainer.check(training, fits: network)
        if let validation { try Trainer.check(validation, fits: network) }
        guard training.count > 0 else { throw TrainError(.invalidData, "the training set is empty") }
        network.reseedDropout(config.seed ^ 0xD0_0D)
        let optimizer = Optimizer(kind: config.optimizer, weightDecay: config.weightDecay)
        let parameters = network.trainableParameters
        let logitLayers = network.logitLayerCount
        let batches = (training.count + config.batchSize - 1) / config.batchSize
        var history: [EpochMetrics] = []
        var lr = config.learningRate
        for epoch in 0..<config.epochs {
            var order = Array(0..<training.count)
            var generator = SeededRandom.derived(seed: config.seed, stream: UInt64(epoch) + 1)
            generator.shuffle(&order)
            let start = DispatchTime.now().uptimeNanoseconds
            var lossSum = 0.0
            var correct = 0
            for b in 0..<batches {
                let indices = Array(order[(b * config.batchSize)..<min(training.count, (b + 1) * config.batchSize)])
                let (x, y) = Trainer.batch(training, indices: indices, inputShape: network.inputShape)
                lr = config.schedule.rate(base: config.learningRate, epoch: Double(epoch) + Double(b) / Double(batches),
                                          totalEpochs: config.epochs, warmupEpochs: config.warmupEpochs, stepsPerEpoch: batches)
                let logits = network.forward(x, training: true, upTo: logitLayers)
                let (loss, grad, right) = Loss.softmaxCrossEntropy(logits: logits, labels: y, labelSmoothing: config.labelSmoothing)
                lossSum += loss * Double(indices.count)
                correct += right
                if !parameters.isEmpty {
                    network.backward(grad, from: logitLayers)
                    if let clip = config.clipNorm { Optimizer.clipGradientNorm(parameters, maxNorm: clip) }
                    optimizer.step(parameters, learningRate: lr)
                }
                onBatch(BatchProgress(epoch: epoch + 1, batch: b + 1, batches: batches, loss: loss))
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            var metrics = EpochMetrics(epoch: epoch + 1, learningRate: lr, trainLoss: lossSum / Double(training.count),
                                       trainAccuracy: Double(correct) / Double(training.count),
                                       validationLoss: nil, validationAccuracy: nil, seconds: seconds,
                                       samplesPerSecond: Double(training.count) / max(seconds, 1e-9))
            if let validation, validation.count > 0 {
                let e = try Trainer.evaluate(network: network, data: validation, batchSize: max(config.batchSize, 256))
                metrics.validationLoss = e.loss
                metrics.validationAccuracy = e.accuracy
            }
            history.append(metrics)
            onEpoch(metrics)
        }
        return TrainingResult(history: history, tensors: network.tensors(), frozenLayers: network.frozenLayers)
    }

    /// Loss, accuracy, per-class accuracy and confusion matrix in evaluation mode.
    public static func evaluate(network: Network, data: Dataset, batchSize: Int = 256) throws(TrainError) -> Evaluation {
        try check(data, fits: network)
        let classes = network.outputShape.last ?? 1
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        var lossSum = 0.0
        var correct = 0
        var start = 0
        while start < data.count {
            let indices = Array(start..<min(data.count, start + max(1, batchSize)))
            let (x, y) = batch(data, indices: indices, inputShape: network.inputShape)
            let logits = network.forward(x, training: false, upTo: network.logitLayerCount)
            let (loss, _, right) = Loss.softmaxCrossEntropy(logits: logits, labels: y)
            lossSum += loss * Double(indices.count)
            correct += right
            for r in 0..<indices.count {
                confusion[y[r]][argmax(logits.data[(r * classes)..<((r + 1) * classes)])] += 1
            }
            start += indices.count
        }
        let perClass: [Double?] = confusion.enumerated().map { c, row in
            let total = row.reduce(0, +)
            return total == 0 ? nil : Double(row[c]) / Double(total)
        }
        return Evaluation(count: data.count, loss: lossSum / Double(max(1, data.count)),
                          accuracy: Double(correct) / Double(max(1, data.count)), perClassAccuracy: perClass, confusion: confusion)
    }

    /// Class and probabilities for each row of `features` (`[count, featureCount]`), in evaluation mode.
    public static func predict(network: Network, features: [Float], batchSize: Int = 256) throws(TrainError) -> [Prediction] {
        let width = network.inputShape.reduce(1, *)
        guard features.count % width == 0 else {
            throw TrainError(.invalidData, "rows have \(features.count) values in all, not a multiple of the model's input size \(width)")
        }
        let rows = features.count / width
        let classes = network.outputShape.last ?? 1
        var out: [Prediction] = []
        var start = 0
        while start < rows {
            let n = min(rows - start, max(1, batchSize))
            let x = Tensor(shape: [n] + network.inputShape, data: Array(features[(start * width)..<((start + n) * width)]))
            var logits = network.forward(x, training: false, upTo: network.logitLayerCount)
            logits.data.withUnsafeMutableBufferPointer { SoftmaxLayer.softmaxRows($0, width: classes) }
            for r in 0..<n {
                let p = Array(logits.data[(r * classes)..<((r + 1) * classes)])
                out.append(Prediction(label: argmax(p[...]), probabilities: p))
            }
            start += n
        }
        return out
    }

    /// The data must have the model's input size, and labels within its classes.
    static func check(_ data: Dataset, fits network: Network) throws(TrainError) {
        let width = network.inputShape.reduce(1, *)
        guard data.count == 0 || data.featureCount == width else {
            throw TrainError(.invalidData, "rows have \(data.featureCount) features but the model takes \(network.inputShape) = \(width)")
        }
        let classes = network.outputShape.last ?? 1
        if let bad = data.labels.first(where: { $0 >= classes }) {
            throw TrainError(.invalidData, "label \(bad) is out of range for a model with \(classes) outputs (labels 0...\(classes - 1))")
        }
    }

    /// Gathers rows into a batch tensor `[n] + inputShape` and their labels.
    static func batch(_ data: Dataset, indices: [Int], inputShape: [Int]) -> (Tensor, [Int]) {
        let f = data.featureCount
        var x = [Float](repeating: 0, count: indices.count * f)
        x.withUnsafeMutableBufferPointer { dst in
            data.features.withUnsafeBufferPointer { src in
                for (r, i) in indices.enumerated() {
                    (dst.baseAddress! + r * f).update(from: src.baseAddress! + i * f, count: f)
                }
            }
        }
        return (Tensor(shape: [indices.count] + inputShape, data: x), indices.map { data.labels[$0] })
    }

    static func argmax(_ values: ArraySlice<Float>) -> Int {
        var best = values.startIndex
        for i in values.indices where values[i] > values[best] { best = i }
        return best - values.startIndex
    }
}
