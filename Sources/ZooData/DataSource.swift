import ZooModel

/// A set of samples the trainer reads in batches: image folders, `path,label` lists, IDX and
/// `.npz` arrays, CSV feature rows. Every sample is a Float32 tensor of `sampleShape` with an
/// integer class label; `BatchPipeline` gathers batches from it, ahead of the trainer and in
/// parallel for sources that decode.
///
/// A sample must be a pure function of its index (and, for augmented training samples, of the
/// generator it is given), so batches are the same whatever thread makes them.
public protocol DataSource: Sendable {
    /// Number of samples.
    var count: Int { get }
    /// Class index per sample (all 0 when `hasLabels` is false).
    var labels: [Int] { get }
    /// Whether the samples carry real labels (false for inputs to predict).
    var hasLabels: Bool { get }
    /// Class names in label order, when the data names its classes (an image folder's subfolders).
    var classNames: [String]? { get }
    /// Per-sample tensor shape, for example `[3, 224, 224]` or `[64]`.
    var sampleShape: [Int] { get }
    /// True when a sample is a copy from memory; false when it is decoded and preprocessed, so
    /// batches are better prepared ahead on worker threads.
    var isInMemory: Bool { get }
    /// Whether training samples are augmented (then `loadSample` draws from `random`).
    var augments: Bool { get }
    /// What to call sample `index` in messages: its file, or its row.
    func name(of index: Int) -> String
    /// Writes sample `index` into `out` (`sampleShape` elements). `random` is the sample's
    /// augmentation generator in training, nil in evaluation.
    func loadSample(_ index: Int, random: inout SeededRandom?, into out: UnsafeMutableBufferPointer<Float>) throws(DataError)
    /// Writes the samples at `indices`, one after another, without augmentation (a fast path for
    /// sources in memory; the default loads them one by one).
    func loadBatch(_ indices: [Int], into out: UnsafeMutableBufferPointer<Float>) throws(DataError)
    /// SHA-256 (`sha256:<hex>`) of what the samples are made from (file contents, array bytes,
    /// labels, order) and of how (`preprocessingKey`): equal digests mean equal samples, so a cache
    /// of a frozen backbone's outputs can be keyed by it. Computed on demand, in parallel for files.
    func contentDigest() throws(DataError) -> String
}

extension DataSource {
    /// Values per sample.
    public var sampleCount: Int { sampleShape.reduce(1, *) }

    /// One more than the largest label (0 for an empty source).
    public var classCount: Int { (labels.max() ?? -1) + 1 }

    public func loadBatch(_ indices: [Int], into out: UnsafeMutableBufferPointer<Float>) throws(DataError) {
        let width = sampleCount
        precondition(out.count >= indices.count * width)
        var none: SeededRandom?
        for (r, i) in indices.enumerated() {
            try loadSample(i, random: &none, into: UnsafeMutableBufferPointer(rebasing: out[(r * width)..<((r + 1) * width)]))
        }
    }

    /// The samples at `indices` (a batch), without augmentation, and their labels.
    public func batch(_ indices: [Int]) throws(DataError) -> (inputs: [Float], labels: [Int]) {
        var x = [Float](repeating: 0, count: indices.count * sampleCount)
        try x.withTypedMutableBytes { (raw: UnsafeMutableRawBufferPointer) throws(DataError) in
            try loadBatch(indices, into: raw.bindMemory(to: Float.self))
        }
        return (x, indices.map { labels[$0] })
    }
}
