/// What a transfer experiment measured: every run, and per regime × training-set size the spread
/// of test accuracy over seeds and the mean learning curve. Codable, for `--out DIR/transfer.json`.
public struct TransferResult: Codable, Sendable, Equatable {
    /// One training run: one regime, one training-set size, one seed.
    public struct Run: Codable, Sendable, Equatable {
        /// How the pretrained network was used.
        public var regime: TransferRegime
        /// Training examples per class.
        public var sizePerClass: Int
        /// Seed of the subset, the head's initialisation, shuffling (and the scratch model's weights).
        public var seed: UInt64
        /// Accuracy on the held-out test set after the last epoch.
        public var testAccuracy: Double
        /// Mean cross-entropy on the test set after the last epoch.
        public var testLoss: Double
        /// Validation accuracy after each epoch (the learning curve).
        public var curve: [Double]
        /// Wall time of the run (training and per-epoch validation).
        public var seconds: Double
    }

    /// The summary of one regime at one training-set size over all seeds.
    public struct Cell: Codable, Sendable, Equatable {
        /// How the pretrained network was used.
        public var regime: TransferRegime
        /// Training examples per class.
        public var sizePerClass: Int
        /// Test accuracy over seeds.
        public var accuracy: SummaryStatistics
        /// Validation accuracy per epoch, mean over seeds.
        public var meanCurve: [Double]
    }

    /// Classes of the target task.
    public var classes: Int
    /// Training-set sizes per class, in the order run.
    public var sizesPerClass: [Int]
    /// Seeds, in the order run.
    public var seeds: [UInt64]
    /// Regimes compared.
    public var regimes: [TransferRegime]
    /// Epochs per run (the budget).
    public var epochs: Int
    /// Test examples.
    public var testCount: Int
    /// Whether the learning curves were measured on the test set (no separate validation set given).
    public var curvesOnTestSet: Bool
    /// Every run, regime-major then size then seed.
    public var runs: [Run]
    /// One summary per regime × size, in the same order.
    public var cells: [Cell]
    /// Wall time of the whole experiment.
    public var seconds: Double
    /// LP-FT's linear-probe epochs before its `epochs` of fine-tuning (nil when LP-FT did not run).
    public var probeEpochs: Int?
    /// LP-FT's fine-tuning learning rate as a fraction of the others' (nil when LP-FT did not run).
    public var fineTuneRateFactor: Double?

    /// The summary for `regime` at `size`, if it was run.
    public func cell(_ regime: TransferRegime, size: Int) -> Cell? {
        cells.first { $0.regime == regime && $0.sizePerClass == size }
    }
}
