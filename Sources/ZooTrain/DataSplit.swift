import ZooData
import ZooModel

/// The seeded sample selections of training, on labels alone so that any `DataSource` can be
/// split the same way a `Dataset` is: a stratified train/validation split and the per-class
/// subsets of the experiments.
public enum DataSplit {
    /// Indices of a seeded split. Stratified, each class gives the same fraction (rounded) to
    /// validation, so small classes are not left out. Both lists are sorted.
    public static func indices(labels: [Int], validationFraction: Double, seed: UInt64,
                               stratified: Bool = true) -> (train: [Int], validation: [Int]) {
        var generator = SeededRandom.splitMix(seed: seed)
        var trainIdx: [Int] = [], valIdx: [Int] = []
        let groups: [[Int]]
        if stratified {
            // A dictionary, not an array indexed by label: a stray huge label must not allocate.
            var byClass: [Int: [Int]] = [:]
            for (i, l) in labels.enumerated() { byClass[l, default: []].append(i) }
            groups = byClass.keys.sorted().map { byClass[$0] ?? [] }
        } else {
            groups = [Array(0..<labels.count)]
        }
        for var group in groups {
            generator.shuffle(&group)
            let take = Int((Double(group.count) * validationFraction).rounded())
            valIdx += group.prefix(take)
            trainIdx += group.dropFirst(take)
        }
        // Restore a class-mixed order; training shuffles per epoch anyway.
        return (trainIdx.sorted(), valIdx.sorted())
    }

    /// Indices of a seeded subset with `perClass` examples of every class present, in their
    /// original order. A class with fewer is an error naming it: a smaller class would silently
    /// unbalance a comparison.
    public static func perClass(labels: [Int], perClass: Int, seed: UInt64) throws(TrainError) -> [Int] {
        guard perClass >= 1 else {
            throw TrainError(.invalidConfiguration, "training-set size per class must be at least 1, not \(perClass)")
        }
        var byClass: [Int: [Int]] = [:]
        for (i, l) in labels.enumerated() { byClass[l, default: []].append(i) }
        var generator = SeededRandom.splitMix(seed: seed)
        var chosen: [Int] = []
        for label in byClass.keys.sorted() {
            var rows = byClass[label] ?? []
            guard rows.count >= perClass else {
                throw TrainError(.invalidData, "class \(label) has only \(rows.count) training examples, fewer than the \(perClass) per class asked for; use smaller sizes or more data")
            }
            generator.shuffle(&rows)
            chosen += rows.prefix(perClass)
        }
        return chosen.sorted()
    }
}
