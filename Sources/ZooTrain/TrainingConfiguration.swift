import ZooModel
/// Hyperparameters of one training run; every one is recorded in the trained version's lineage.
public struct TrainingConfiguration: Sendable, Equatable, Hashable {
    /// Passes over the training set.
    public var epochs: Int = 10
    /// Examples per step (the last batch of an epoch may be smaller).
    public var batchSize: Int = 32
    /// Base learning rate.
    public var learningRate: Double = 1e-3
    /// Update rule.
    public var optimizer: OptimizerKind = .adam()
    /// Rate over epochs after warm-up.
    public var schedule: LearningRateSchedule = .constant
    /// Epochs of linear warm-up (fractions allowed).
    public var warmupEpochs: Double = 0
    /// L2 (SGD, Adam) or decoupled (AdamW) weight decay.
    public var weightDecay: Double = 0
    /// Cross-entropy label smoothing ε.
    public var labelSmoothing: Double = 0
    /// Maximum global gradient norm; nil for no clipping.
    public var clipNorm: Double?
    /// Seeds shuffling and dropout.
    public var seed: UInt64 = 0
    /// Which layers train.
    public var freeze: FreezeSpec = .model

    /// A configuration with PyTorch-like defaults (Adam, lr 1e-3, 10 epochs, batch 32).
    public init() {}

    /// Checks ranges before any work is done.
    public func validate() throws(TrainError) {
        func bad(_ message: String) -> TrainError { TrainError(.invalidConfiguration, message) }
        guard epochs >= 1 else { throw bad("epochs must be at least 1, not \(epochs)") }
        guard batchSize >= 1 else { throw bad("batch size must be at least 1, not \(batchSize)") }
        guard learningRate > 0, learningRate.isFinite else { throw bad("learning rate must be positive, not \(learningRate)") }
        guard weightDecay >= 0 else { throw bad("weight decay must be non-negative, not \(weightDecay)") }
        guard labelSmoothing >= 0 && labelSmoothing < 1 else { throw bad("label smoothing must be in [0, 1), not \(labelSmoothing)") }
        guard warmupEpochs >= 0 else { throw bad("warm-up epochs must be non-negative") }
        if let c = clipNorm, !(c > 0) { throw bad("gradient clipping norm must be positive, not \(c)") }
        switch optimizer {
        case .sgd(let m, _): guard m >= 0 && m < 1 else { throw bad("momentum must be in [0, 1), not \(m)") }
        case .adam(let b1, let b2, let e), .adamW(let b1, let b2, let e):
            guard b1 >= 0 && b1 < 1 && b2 >= 0 && b2 < 1 && e > 0 else { throw bad("Adam needs betas in [0, 1) and epsilon > 0") }
        }
        switch schedule {
        case .step(let s, let g): guard s >= 1 && g > 0 else { throw bad("step schedule needs step size >= 1 and gamma > 0") }
        case .cosineWarmRestarts(let t0, let m, _): guard t0 >= 1 && m >= 1 else { throw bad("warm restarts need T_0 >= 1 and T_mult >= 1") }
        case .constant, .cosine: break
        }
    }
}
