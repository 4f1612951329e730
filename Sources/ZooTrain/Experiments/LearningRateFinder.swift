import Foundation
import ZooData
import ZooModel

/// The learning-rate range test (Smith 2017, fastai's `lr_find`): trains from the given weights for
/// a short run while the rate grows exponentially from `startRate` to `endRate`, records the
/// smoothed loss against the rate, and stops once the loss diverges (`divergenceFactor` × the best).
///
/// The suggestion is `minimum/10`: a tenth of the rate at the smoothed loss's minimum (fastai v1's
/// rule). The steepest-descent point (where the smoothed loss falls fastest against log(rate),
/// before the minimum) is reported too, but not suggested: on real networks the early, nearly flat
/// part of the curve is noisy enough that its steepest point often lands at the start of the range
/// (measured on the digits MLP: 1.3e-5 against a minimum at 6.9e-2).
/// The network's weights are changed by the test; build a fresh one for real training.
public struct LearningRateFinder: Sendable {
    /// First rate.
    public var startRate: Double = 1e-5
    /// Last rate (reached at step `steps - 1` unless the loss diverges first).
    public var endRate: Double = 1
    /// Steps of the test.
    public var steps: Int = 100
    /// β of the exponential moving average of the loss (bias-corrected, as fastai). fastai's 0.98
    /// averages over ~50 steps, half of a 100-step test, and lags the curve by as much; 0.9 (~10 steps) does not.
    public var smoothing: Double = 0.9
    /// Divergence threshold relative to the best smoothed loss.
    public var divergenceFactor: Double = 4
    /// Steps each side of the central difference used for the slope.
    public var slopeWindow: Int = 2
    /// Batch size, optimizer, weight decay, seed and freeze; epochs and schedule are ignored.
    public var configuration: TrainingConfiguration
    /// Where a frozen backbone's outputs on the data are cached; nil runs it on every batch.
    /// The curve is the same either way.
    public var featureCache: FeatureCaching?

    /// A range test with the defaults above and the given training settings.
    public init(configuration: TrainingConfiguration) {
        self.configuration = configuration
    }

    /// Runs the test on `network` (trained in place) with batches drawn from `data`, reshuffled
    /// with the configuration's seed each time the data runs out.
    public func run(network: Network, data: some DataSource) throws(TrainError) -> LearningRateFinderResult {
        guard startRate > 0, endRate > startRate, endRate.isFinite else {
            throw TrainError(.invalidConfiguration, "the rate range must satisfy 0 < start < end, not \(startRate) to \(endRate)")
        }
        guard steps >= 2 * slopeWindow + 3 else {
            throw TrainError(.invalidConfiguration, "the range test needs at least \(2 * slopeWindow + 3) steps, not \(steps)")
        }
        guard smoothing >= 0 && smoothing < 1, divergenceFactor > 1 else {
            throw TrainError(.invalidConfiguration, "smoothing must be in [0, 1) and the divergence factor above 1")
        }
        try configuration.validate()
        try Trainer.check(data, fits: network)
        guard data.count > 0 else { throw TrainError(.invalidData, "the data for the range test is empty") }
        let optimizer = Optimizer(kind: configuration.optimizer, weightDecay: configuration.weightDecay)
        let parameters = network.trainableParameters
        guard !parameters.isEmpty else {
            throw TrainError(.invalidConfiguration, "nothing trains (every layer is frozen), so the rate has no effect; unfreeze the head")
        }
        let logitLayers = network.logitLayerCount
        // The test reads samples without augmentation, so a frozen prefix's outputs can be cached.
        var input = LayerInput(source: data, start: 0)
        if let featureCache {
            input = try featureCache.input(for: data, network: network, role: "data", augmenting: false,
                                           batchSize: configuration.batchSize, skip: nil).input
        }
        var forwards = 0
        defer { featureCache?.countForwards(forwards) }
        let ratio = log(endRate / startRate)
        var order: [Int] = []
        var cursor = 0
        var pass: UInt64 = 0
        var average = 0.0
        var best = Double.infinity
        var points: [LearningRateFinderResult.Point] = []
        var stopReason = "end"
        for step in 0..<steps {
            if cursor + configuration.batchSize > order.count || order.isEmpty {
                order = Array(0..<data.count)
                var generator = SeededRandom.derived(seed: configuration.seed, stream: pass + 1)
                generator.shuffle(&order)
                pass += 1
                cursor = 0
            }
            let indices = Array(order[cursor..<min(order.count, cursor + configuration.batchSize)])
            cursor += indices.count
            let rate = startRate * exp(ratio * Double(step) / Double(steps - 1))
            let (inputs, y): ([Float], [Int])
            do throws(DataError) { (inputs, y) = try input.source.batch(indices) } catch { throw TrainError(error) }
            let x = Tensor(shape: [indices.count] + network.shapes[input.start], data: inputs)
            let logits = network.forward(x, training: true, from: input.start, upTo: logitLayers)
            if input.start == 0 && network.frozenLayers > 0 { forwards += indices.count }
            let (loss, grad, _) = Loss.softmaxCrossEntropy(logits: logits, labels: y, labelSmoothing: configuration.labelSmoothing)
            guard loss.isFinite else { stopReason = "diverged"; break }
            average = smoothing * average + (1 - smoothing) * loss
            let smoothed = average / (1 - pow(smoothing, Double(step + 1)))
            points.append(.init(step: step, learningRate: rate, loss: loss, smoothedLoss: smoothed))
            best = min(best, smoothed)
            if step > 0 && smoothed > divergenceFactor * best { stopReason = "diverged"; break }
            network.backward(grad, from: logitLayers)
            if let clip = configuration.clipNorm { Optimizer.clipGradientNorm(parameters, maxNorm: clip) }
            optimizer.step(parameters, learningRate: rate)
        }
        return LearningRateFinder.suggest(points: points, stopReason: stopReason, finder: self)
    }

    /// Reads the suggestion off the recorded curve.
    static func suggest(points: [LearningRateFinderResult.Point], stopReason: String,
                        finder: LearningRateFinder) -> LearningRateFinderResult {
        let minIndex = points.indices.min { points[$0].smoothedLoss < points[$1].smoothedLoss } ?? 0
        let minimumRate = points.isEmpty ? finder.startRate : points[minIndex].learningRate
        var steepest: Double?
        var bestSlope = 0.0
        let w = finder.slopeWindow
        if minIndex > 2 * w {
            for i in w..<(minIndex - w) {
                let a = points[i - w], b = points[i + w]
                let slope = (b.smoothedLoss - a.smoothedLoss) / (log(b.learningRate) - log(a.learningRate))
                if slope < bestSlope { bestSlope = slope; steepest = points[i].learningRate }
            }
        }
        return LearningRateFinderResult(points: points, stopReason: stopReason,
                                        suggested: minimumRate / 10, suggestionRule: "minimum/10",
                                        steepest: steepest, minimumLoss: minimumRate, minimumOverTen: minimumRate / 10,
                                        startRate: finder.startRate, endRate: finder.endRate, smoothing: finder.smoothing,
                                        divergenceFactor: finder.divergenceFactor)
    }
}
