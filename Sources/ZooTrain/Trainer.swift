import Dispatch
import ZooData
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

    /// Bad samples under `--skip-bad`: logged and left out of their batch. Nil makes a bad sample an error.
    public var skip: SkipLog?

    /// Where a frozen prefix's outputs are cached; nil runs the prefix on every batch. Either way
    /// the weights are the same (`FeatureCaching`).
    public var featureCache: FeatureCaching?

    /// Builds the network for `description` with the configuration's freeze spec and trains it.
    public func train(description: ModelDescription, tensors: [String: [Float]], training: some DataSource,
                      validation: (any DataSource)? = nil,
                      onEpoch: (EpochMetrics) -> Void = { _ in },
                      onBatch: (BatchProgress) -> Void = { _ in }) throws(TrainError) -> TrainingResult {
        try configuration.validate()
        let frozen = try configuration.freeze.frozenLayerCount(for: description)
        let network = try Network(description: description, tensors: tensors, frozenLayers: frozen, seed: configuration.seed)
        return try train(network: network, training: training, validation: validation, onEpoch: onEpoch, onBatch: onBatch)
    }

    /// Trains `network` in place (its own freeze setting applies) and returns the history and tensors.
    ///
    /// Batches come from a `BatchPipeline` per epoch: in the epoch's seeded order, prepared ahead
    /// on worker threads for sources that decode, augmented (seeded per epoch and sample) when the
    /// training source augments; validation uses the evaluation transform.
    public func train(network: Network, training: some DataSource, validation: (any DataSource)? = nil,
                      onEpoch: (EpochMetrics) -> Void = { _ in },
                      onBatch: (BatchProgress) -> Void = { _ in }) throws(TrainError) -> TrainingResult {
        let config = configuration
        try config.validate()
        try Trainer.check(training, fits: network)
        if let validation { try Trainer.check(validation, fits: network) }
        guard training.count > 0 else { throw TrainError(.invalidData, "the training set is empty") }
        guard training.hasLabels else { throw TrainError(.invalidData, "the training data has no labels; give labelled data") }
        network.reseedDropout(config.seed ^ 0xD0_0D)
        // A frozen prefix's outputs, from the cache or computed once for it, stand in for the samples.
        var forwards = 0, uncachedForwards = 0
        var events: [FeatureCacheEvent] = []
        func input(_ data: any DataSource, role: String, augmenting: Bool, batchSize: Int) throws(TrainError) -> LayerInput {
            guard let cache = featureCache else { return LayerInput(source: data, start: 0) }
            let (input, event, n) = try cache.input(for: data, network: network, role: role, augmenting: augmenting,
                                                    batchSize: batchSize, skip: skip)
            forwards += n
            if let event { events.append(event) }
            return input
        }
        let evaluationBatch = network.evaluationBatchSize(atLeast: config.batchSize)
        let train = try input(training, role: "training", augmenting: training.augments, batchSize: config.batchSize)
        let held = try validation.map { v throws(TrainError) in try input(v, role: "validation", augmenting: false, batchSize: evaluationBatch) }
        let prefixRuns = network.frozenLayers > 0
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
            let plan = (0..<batches).map { b in Array(order[(b * config.batchSize)..<min(training.count, (b + 1) * config.batchSize)]) }
            let pipeline = BatchPipeline(source: train.source, batches: plan, augmentation: (config.seed, epoch), skip: skip)
            let start = DispatchTime.now().uptimeNanoseconds
            var lossSum = 0.0
            var correct = 0
            var seen = 0
            for b in 0..<batches {
                let batch: BatchPipeline.Batch
                do throws(DataError) {
                    guard let next = try pipeline.next() else { break }
                    batch = next
                } catch {
                    throw TrainError(error)
                }
                lr = config.schedule.rate(base: config.learningRate, epoch: Double(epoch) + Double(b) / Double(batches),
                                          totalEpochs: config.epochs, warmupEpochs: config.warmupEpochs, stepsPerEpoch: batches)
                guard batch.count > 0 else { continue }
                let x = Tensor(shape: [batch.count] + network.shapes[train.start], data: batch.inputs)
                let logits = network.forward(x, training: true, from: train.start, upTo: logitLayers)
                if train.start == 0 && prefixRuns { uncachedForwards += batch.count }
                let (loss, grad, right) = Loss.softmaxCrossEntropy(logits: logits, labels: batch.labels, labelSmoothing: config.labelSmoothing)
                lossSum += loss * Double(batch.count)
                correct += right
                seen += batch.count
                if !parameters.isEmpty {
                    network.backward(grad, from: logitLayers)
                    if let clip = config.clipNorm { Optimizer.clipGradientNorm(parameters, maxNorm: clip) }
                    optimizer.step(parameters, learningRate: lr)
                }
                onBatch(BatchProgress(epoch: epoch + 1, batch: b + 1, batches: batches, loss: loss))
            }
            guard seen > 0 else { throw TrainError(.invalidData, "every training sample was skipped as bad; check the data") }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            var metrics = EpochMetrics(epoch: epoch + 1, learningRate: lr, trainLoss: lossSum / Double(seen),
                                       trainAccuracy: Double(correct) / Double(seen),
                                       validationLoss: nil, validationAccuracy: nil, seconds: seconds,
                                       samplesPerSecond: Double(seen) / max(seconds, 1e-9))
            if let held, held.source.count > 0 {
                let (e, n) = try Trainer.evaluate(network: network, input: held, batchSize: evaluationBatch, skip: skip)
                uncachedForwards += n
                metrics.validationLoss = e.loss
                metrics.validationAccuracy = e.accuracy
            }
            history.append(metrics)
            onEpoch(metrics)
        }
        featureCache?.countForwards(uncachedForwards)
        return TrainingResult(history: history, tensors: network.tensors(), frozenLayers: network.frozenLayers,
                              backboneForwardSamples: forwards + uncachedForwards, featureCache: events)
    }

    /// Loss, accuracy, per-class accuracy and confusion matrix in evaluation mode (in batches of
    /// `batchSize`, by default `Network.evaluationBatchSize()`). With
    /// `features`, a frozen prefix's outputs on `data` come from (or go to) the feature cache.
    public static func evaluate(network: Network, data: some DataSource, batchSize: Int? = nil,
                                skip: SkipLog? = nil, features: FeatureCaching? = nil, role: String = "test") throws(TrainError) -> Evaluation {
        try check(data, fits: network)
        guard data.hasLabels else { throw TrainError(.invalidData, "the data has no labels to evaluate against; give labelled data") }
        let batch = batchSize ?? network.evaluationBatchSize()
        var input = LayerInput(source: data, start: 0)
        if let features {
            input = try features.input(for: data, network: network, role: role, augmenting: false, batchSize: batch, skip: skip).input
        }
        let (evaluation, forwards) = try evaluate(network: network, input: input, batchSize: batch, skip: skip)
        features?.countForwards(forwards)
        return evaluation
    }

    /// `evaluate` on samples entering at `input.start`, and the samples it ran through a frozen prefix.
    static func evaluate(network: Network, input: LayerInput, batchSize: Int,
                         skip: SkipLog?) throws(TrainError) -> (Evaluation, forwards: Int) {
        let classes = network.outputShape.last ?? 1
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        var lossSum = 0.0
        var correct = 0
        var seen = 0
        var forwards = 0
        try forEachBatch(of: input.source, batchSize: batchSize, skip: skip) { batch in
            let x = Tensor(shape: [batch.count] + network.shapes[input.start], data: batch.inputs)
            let logits = network.forward(x, training: false, from: input.start, upTo: network.logitLayerCount)
            if input.start == 0 && network.frozenLayers > 0 { forwards += batch.count }
            let (loss, _, right) = Loss.softmaxCrossEntropy(logits: logits, labels: batch.labels)
            lossSum += loss * Double(batch.count)
            correct += right
            seen += batch.count
            for r in 0..<batch.count {
                confusion[batch.labels[r]][argmax(logits.data[(r * classes)..<((r + 1) * classes)])] += 1
            }
        }
        let perClass: [Double?] = confusion.enumerated().map { c, row in
            let total = row.reduce(0, +)
            return total == 0 ? nil : Double(row[c]) / Double(total)
        }
        return (Evaluation(count: seen, loss: lossSum / Double(max(1, seen)),
                           accuracy: Double(correct) / Double(max(1, seen)), perClassAccuracy: perClass, confusion: confusion), forwards)
    }

    /// Class and probabilities for each row of `features` (`[count, featureCount]`), in evaluation mode.
    public static func predict(network: Network, features: [Float], batchSize: Int? = nil) throws(TrainError) -> [Prediction] {
        let width = network.inputShape.reduce(1, *)
        guard features.count % width == 0 else {
            throw TrainError(.invalidData, "rows have \(features.count) values in all, not a multiple of the model's input size \(width)")
        }
        let rows = Dataset(features: features, shape: network.inputShape, labels: nil)
        return try predict(network: network, data: rows, batchSize: batchSize).predictions
    }

    /// Class and probabilities for each sample of `data`, in evaluation mode, with the source
    /// indices they belong to (a bad sample skipped under `skip` has none).
    public static func predict(network: Network, data: some DataSource, batchSize: Int? = nil,
                               skip: SkipLog? = nil) throws(TrainError) -> (predictions: [Prediction], indices: [Int]) {
        let width = network.inputShape.reduce(1, *)
        guard data.sampleCount == width else {
            throw TrainError(.invalidData, "samples have \(data.sampleCount) values (\(data.sampleShape)) but the model takes \(network.inputShape) = \(width)")
        }
        let classes = network.outputShape.last ?? 1
        var out: [Prediction] = []
        var indices: [Int] = []
        try forEachBatch(of: data, batchSize: batchSize ?? network.evaluationBatchSize(), skip: skip) { batch in
            let x = Tensor(shape: [batch.count] + network.inputShape, data: batch.inputs)
            var logits = network.forward(x, training: false, upTo: network.logitLayerCount)
            logits.data.withUnsafeMutableBufferPointer { SoftmaxLayer.softmaxRows($0, width: classes) }
            for r in 0..<batch.count {
                let p = Array(logits.data[(r * classes)..<((r + 1) * classes)])
                out.append(Prediction(label: argmax(p[...]), probabilities: p))
            }
            indices += batch.indices
        }
        return (out, indices)
    }

    /// The network's raw outputs for every sample of `data` (`[N] + outputShape`, row-major):
    /// every layer runs, so a classifier gives its logits (probabilities if it ends in softmax)
    /// and a sliced backbone its features. With `skip`, bad samples are left out; `indices` says
    /// which samples the rows are.
    public static func outputs(network: Network, data: some DataSource, batchSize: Int? = nil,
                               skip: SkipLog? = nil) throws(TrainError) -> (values: [Float], indices: [Int]) {
        let width = network.inputShape.reduce(1, *)
        guard data.sampleCount == width else {
            throw TrainError(.invalidData, "samples have \(data.sampleCount) values (\(data.sampleShape)) but the model takes \(network.inputShape) = \(width)")
        }
        var values: [Float] = []
        var indices: [Int] = []
        try forEachBatch(of: data, batchSize: batchSize ?? network.evaluationBatchSize(), skip: skip) { batch in
            let x = Tensor(shape: [batch.count] + network.inputShape, data: batch.inputs)
            values += network.forward(x, training: false).data
            indices += batch.indices
        }
        return (values, indices)
    }

    /// Runs `body` on consecutive batches of `data` in order (evaluation: no augmentation).
    static func forEachBatch(of data: some DataSource, batchSize: Int, skip: SkipLog?,
                             _ body: (BatchPipeline.Batch) throws(TrainError) -> Void) throws(TrainError) {
        let size = max(1, batchSize)
        let plan = stride(from: 0, to: data.count, by: size).map { Array($0..<min(data.count, $0 + size)) }
        let pipeline = BatchPipeline(source: data, batches: plan, skip: skip)
        while true {
            let next: BatchPipeline.Batch?
            do throws(DataError) { next = try pipeline.next() } catch { throw TrainError(error) }
            guard let batch = next else { return }
            if batch.count > 0 { try body(batch) }
        }
    }

    /// The data must have the model's input size, and labels within its classes.
    static func check(_ data: some DataSource, fits network: Network) throws(TrainError) {
        let width = network.inputShape.reduce(1, *)
        guard data.count == 0 || data.sampleCount == width else {
            throw TrainError(.invalidData, "samples have \(data.sampleCount) values (\(data.sampleShape)) but the model takes \(network.inputShape) = \(width)")
        }
        let classes = network.outputShape.last ?? 1
        if data.hasLabels, let bad = data.labels.first(where: { $0 >= classes }) {
            throw TrainError(.invalidData, "label \(bad) is out of range for a model with \(classes) outputs (labels 0...\(classes - 1))")
        }
    }

    static func argmax(_ values: ArraySlice<Float>) -> Int {
        var best = values.startIndex
        for i in values.indices where values[i] > values[best] { best = i }
        return best - values.startIndex
    }
}
