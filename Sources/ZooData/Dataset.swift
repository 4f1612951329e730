/// Labelled examples held in memory: a row of features and an integer class label per example
/// (CSV feature rows, float arrays from `.npz`/`.npy`).
///
/// The trainer reads it as any `DataSource`; its splits, subsets and normalisation are in ZooTrain.
public struct Dataset: Sendable, Equatable {
    /// Row-major `[count, featureCount]`.
    public var features: [Float]
    /// Features per example.
    public var featureCount: Int
    /// Class index per example.
    public var labels: [Int]
    /// Per-example shape (`[featureCount]` for rows; `[3, 32, 32]` for an array of images);
    /// its product is `featureCount`.
    public var shape: [Int]
    /// Class names in label order, when the data has them.
    public var classNames: [String]?
    /// Whether the examples carry real labels (false for inputs to predict: labels are then 0).
    public var hasLabels = true

    /// A dataset over the given rows.
    public init(features: [Float], featureCount: Int, labels: [Int]) {
        precondition(features.count == featureCount * labels.count, "features do not match \(labels.count) rows of \(featureCount)")
        self.features = features
        self.featureCount = featureCount
        self.labels = labels
        self.shape = [featureCount]
    }

    /// A dataset of examples of `shape` (row-major), with labels or without.
    public init(features: [Float], shape: [Int], labels: [Int]?, classNames: [String]? = nil) {
        let width = shape.reduce(1, *)
        let count = width == 0 ? (labels?.count ?? 0) : features.count / width
        self.init(features: features, featureCount: width, labels: labels ?? [Int](repeating: 0, count: count))
        self.shape = shape
        self.classNames = classNames
        self.hasLabels = labels != nil
    }

    /// The number of examples.
    public var count: Int { labels.count }

    /// The examples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> Dataset {
        var f = [Float]()
        f.reserveCapacity(indices.count * featureCount)
        for i in indices { f.append(contentsOf: features[(i * featureCount)..<((i + 1) * featureCount)]) }
        var out = self
        out.features = f
        out.labels = indices.map { labels[$0] }
        return out
    }
}
