/// Test accuracy against the number of pretrained layers kept (the cut point), each with the same
/// new head trained on a frozen backbone. Codable, for `--out DIR/depth.json`.
public struct DepthResult: Codable, Sendable, Equatable {
    /// One cut point.
    public struct Point: Codable, Sendable, Equatable {
        /// Layers kept from the front of the pretrained network (0: a linear classifier on the input).
        public var keptLayers: Int
        /// Name of the last kept layer (`input` for 0).
        public var lastLayer: String
        /// Per-sample shape the head receives.
        public var featureShape: [Int]
        /// Test accuracy over seeds.
        public var accuracy: SummaryStatistics
        /// Test accuracy per seed, in seed order.
        public var accuracies: [Double]
    }

    /// Training examples per class (nil: the whole training set).
    public var sizePerClass: Int?
    /// Seeds, in the order run.
    public var seeds: [UInt64]
    /// Epochs per run.
    public var epochs: Int
    /// One entry per cut point, in increasing depth.
    public var points: [Point]
    /// Wall time of the whole experiment.
    public var seconds: Double
}
