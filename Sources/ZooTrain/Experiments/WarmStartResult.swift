/// A hyperparameter grid run twice: every trial from the pretrained weights, and every trial from
/// the best earlier trial's weights. Codable, for `--out DIR/warmstart.json`.
public struct WarmStartResult: Codable, Sendable, Equatable {
    /// Where a trial's weights come from.
    public enum Strategy: String, Codable, Sendable, CaseIterable {
        /// Every trial starts from the pretrained weights with a fresh head.
        case pretrained
        /// Each trial starts from the best earlier trial's final weights (the first from the pretrained).
        case warm
    }

    /// One grid point under one strategy.
    public struct Trial: Codable, Sendable, Equatable {
        /// Where the weights came from.
        public var strategy: Strategy
        /// 0-based position in the grid.
        public var index: Int
        /// The trial's learning rate.
        public var learningRate: Double
        /// The trial's weight decay.
        public var weightDecay: Double
        /// For `warm`: the index of the earlier trial whose weights it started from (nil: pretrained).
        public var startedFrom: Int?
        /// Validation accuracy before any training (epoch 0).
        public var initialAccuracy: Double
        /// Validation accuracy after each epoch.
        public var curve: [Double]
        /// First epoch whose validation accuracy reached the target (0: already before training); nil if never.
        public var epochsToTarget: Int?
        /// Wall time from the trial's start to the evaluation that reached the target; nil if never.
        public var secondsToTarget: Double?
        /// Wall time of the whole trial.
        public var seconds: Double
        /// Validation accuracy after the last epoch (what "best earlier trial" ranks by: its final
        /// weights are the ones carried on).
        public var finalAccuracy: Double
        /// Best validation accuracy over the epochs.
        public var bestAccuracy: Double
        /// Samples the backbone ran forward on in the trial (training steps, which also run
        /// backward, and validation): cached features count once, when they are computed.
        public var forwardSamples: Int = 0
        /// The same, up to the evaluation that first reached the target; nil if never.
        public var forwardSamplesToTarget: Int?
    }

    /// Totals of one strategy over the grid.
    public struct Summary: Codable, Sendable, Equatable {
        /// Which strategy.
        public var strategy: Strategy
        /// Trials that reached the target.
        public var reached: Int
        /// Trials in the grid.
        public var trials: Int
        /// Sum of epochs to target over the trials that reached it.
        public var totalEpochsToTarget: Int
        /// Sum of seconds to target over the trials that reached it.
        public var totalSecondsToTarget: Double
        /// Mean epochs to target over the trials that reached it (nil if none did).
        public var meanEpochsToTarget: Double?
        /// Best validation accuracy over the whole grid.
        public var bestAccuracy: Double
        /// Wall time of every trial of the strategy.
        public var totalSeconds: Double
        /// Sum of forward samples to target over the trials that reached it.
        public var totalForwardSamplesToTarget: Int = 0
        /// Forward samples of every trial of the strategy.
        public var totalForwardSamples: Int = 0
    }

    /// The target validation accuracy.
    public var target: Double
    /// Epochs per trial.
    public var epochs: Int
    /// Grid learning rates.
    public var learningRates: [Double]
    /// Grid weight decays.
    public var weightDecays: [Double]
    /// Every trial, `pretrained` first then `warm`, each in grid order (lr-major).
    public var trials: [Trial]
    /// One summary per strategy.
    public var summaries: [Summary]
}
