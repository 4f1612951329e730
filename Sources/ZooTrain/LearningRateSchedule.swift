import Foundation

/// How the learning rate changes over epochs, after an optional linear warm-up.
public enum LearningRateSchedule: Sendable, Equatable, Hashable {
    /// The base rate throughout.
    case constant
    /// Multiplied by `gamma` every `stepSize` epochs (PyTorch's `StepLR`).
    case step(stepSize: Int, gamma: Double)
    /// Cosine annealing from the base rate to `minimum` over the epochs after warm-up (`CosineAnnealingLR`),
    /// evaluated at fractional epochs so the rate moves every batch.
    case cosine(minimum: Double = 0)
    /// Cosine annealing with warm restarts (SGDR, `CosineAnnealingWarmRestarts`): the first cycle lasts
    /// `t0` epochs, each next one `tMult` times longer.
    case cosineWarmRestarts(t0: Int, tMult: Int = 1, minimum: Double = 0)

    /// The rate at fractional epoch `epoch` (0-based; `3.5` is half-way through the fourth epoch).
    ///
    /// During the first `warmupEpochs` the rate rises linearly, step by step, to `base` (the first
    /// step uses `base / warm-up steps`); the schedule then starts at its own epoch 0 and runs over
    /// `totalEpochs - warmupEpochs`.
    public func rate(base: Double, epoch: Double, totalEpochs: Int, warmupEpochs: Double = 0,
                     stepsPerEpoch: Int = 1) -> Double {
        if warmupEpochs > 0 && epoch < warmupEpochs {
            return base * min(1, (epoch + 1 / Double(max(1, stepsPerEpoch))) / warmupEpochs)
        }
        let t = epoch - warmupEpochs
        let span = max(1e-12, Double(totalEpochs) - warmupEpochs)
        switch self {
        case .constant:
            return base
        case .step(let stepSize, let gamma):
            return base * pow(gamma, Double(Int(t.rounded(.down)) / max(1, stepSize)))
        case .cosine(let minimum):
            return minimum + (base - minimum) * (1 + cos(Double.pi * min(t, span) / span)) / 2
        case .cosineWarmRestarts(let t0, let tMult, let minimum):
            var cycle = Double(max(1, t0))
            var tCur = t
            while tCur >= cycle {
                tCur -= cycle
                cycle *= Double(max(1, tMult))
            }
            return minimum + (base - minimum) * (1 + cos(Double.pi * tCur / cycle)) / 2
        }
    }
}
