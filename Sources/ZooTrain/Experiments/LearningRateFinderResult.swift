/// The learning-rate range test's curve and its suggestion. Codable, for `--out DIR/lr-find.json`.
public struct LearningRateFinderResult: Codable, Sendable, Equatable {
    /// One step of the range test.
    public struct Point: Codable, Sendable, Equatable {
        /// 0-based step.
        public var step: Int
        /// Learning rate used for the step.
        public var learningRate: Double
        /// The batch's loss before the step.
        public var loss: Double
        /// Exponentially smoothed, bias-corrected loss (what the suggestion reads).
        public var smoothedLoss: Double
    }

    /// Every step taken, in order.
    public var points: [Point]
    /// Why the test stopped: `diverged` (smoothed loss above `divergenceFactor` × best) or `end` (the last rate reached).
    public var stopReason: String
    /// The suggested rate (`minimumOverTen`).
    public var suggested: Double
    /// How `suggested` was chosen (`minimum/10`).
    public var suggestionRule: String
    /// The rate where the smoothed loss falls fastest against log(rate), over the points before the
    /// minimum (reported, not suggested); nil when the minimum comes too early to measure a slope.
    public var steepest: Double?
    /// The rate at the smoothed loss's minimum.
    public var minimumLoss: Double
    /// One tenth of `minimumLoss` (fastai v1's rule of thumb).
    public var minimumOverTen: Double
    /// Range and settings, for the report.
    public var startRate: Double
    /// The last rate the test would have tried.
    public var endRate: Double
    /// Smoothing factor β of the loss average.
    public var smoothing: Double
    /// Stop when the smoothed loss exceeds this multiple of the best.
    public var divergenceFactor: Double
}
