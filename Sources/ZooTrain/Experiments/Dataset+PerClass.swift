import ZooData
import ZooModel

extension Dataset {
    /// The seed of a run's training subset, derived from the run's seed on its own stream so that
    /// the subset does not correlate with the head's initialisation or the shuffling.
    public static func subsetSeed(for seed: UInt64) -> UInt64 {
        var generator = SeededRandom.derived(seed: seed, stream: 0x5EB5E7)
        return generator.next()
    }

    /// A seeded subset with `perClass` examples of every class present (the few-shot training sets
    /// of the experiments). Rows keep their original order within the subset.
    ///
    /// A class with fewer than `perClass` examples is an error naming it: a smaller class would
    /// silently unbalance the comparison.
    public func perClassSubset(_ perClass: Int, seed: UInt64) throws(TrainError) -> Dataset {
        subset(try DataSplit.perClass(labels: labels, perClass: perClass, seed: seed))
    }
}
