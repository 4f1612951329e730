import Foundation
import ZooData
import ZooFormat
import ZooModel

/// The samples a training or evaluation loop feeds the network, and the layer they enter at:
/// the data itself at layer 0, or a frozen prefix's cached outputs after the prefix.
struct LayerInput {
    var source: any DataSource
    var start: Int
}

/// The feature cache as the trainer uses it: when a network's leading layers are frozen (and the
/// samples are not augmented), their outputs on a data set are computed once (one forward pass
/// of the prefix, streamed to a feature file) and every epoch, later run and experiment trial
/// with the same prefix and data trains the rest of the network on them.
///
/// Training on cached features gives the same weights, bit for bit, as training without them:
/// the prefix runs in evaluation mode either way, every layer computes each sample's output
/// independently of the rest of its batch, and the batches, their order and the arithmetic after
/// the prefix are unchanged. The key (`FeatureKey`) covers the prefix's layers and tensors, the
/// data's content digest (files, labels, order, preprocessing), the shapes, and the build and CPU.
///
/// With a `store` the features persist (ZooRegistry's `FeatureCache`); without one, or when the
/// store cannot be written, they live in memory for this process only. Features up to
/// `memoryLimit` bytes are held in memory (and reused by later runs in the process); larger ones
/// are read from their file batch by batch. One object may serve many runs; it is not meant to
/// be used by two threads at once.
public final class FeatureCaching: @unchecked Sendable {
    /// Where the features persist; nil keeps them in memory only.
    public let store: (any FeatureStore)?
    /// Largest feature set held in memory, and the most the in-process reuse keeps (1 GiB).
    public var memoryLimit: Int = 1 << 30
    /// Called while features are computed: the data's role, samples done and the total.
    public var onProgress: ((_ role: String, _ done: Int, _ total: Int) -> Void)?

    private var recorded: [FeatureCacheEvent] = []
    private var forwards = 0
    private var memo: [String: Memo] = [:]
    private var clock = 0

    /// Features kept in memory for reuse within the process.
    private struct Memo {
        var rows: CachedFeatures.Rows
        var bad: [FeatureBadRow]
        var stored: Bool
        var lastUse: Int
    }

    /// A cache over `store` (nil: in memory only).
    public init(store: (any FeatureStore)? = nil) {
        self.store = store
    }

    /// Everything done so far, in order.
    public var events: [FeatureCacheEvent] { recorded }

    /// Samples that went through a frozen prefix in the runs that used this object (cache
    /// misses and uncached runs count; cache hits do not).
    public var backboneForwardSamples: Int { forwards }

    /// Counts samples run through a frozen prefix outside the cache (the cache counts its own).
    func countForwards(_ n: Int) { forwards += n }

    /// The input for training (`augmenting` when the samples are augmented) or evaluating
    /// `network` on `data`: cached features when the network has a cacheable prefix, else the
    /// data at layer 0. Returns the event (nil when nothing is frozen) and the prefix forwards run.
    func input(for data: any DataSource, network: Network, role: String, augmenting: Bool, batchSize: Int,
               skip: SkipLog?) throws(TrainError) -> (input: LayerInput, event: FeatureCacheEvent?, forwards: Int) {
        let uncached = LayerInput(source: data, start: 0)
        let cut = network.featurePrefixLength
        guard cut > 0, data.count > 0 else { return (uncached, nil, 0) }
        let shape = network.shapes[cut]
        let width = shape.reduce(1, *)
        let (bytes, overflow) = data.count.multipliedReportingOverflow(by: width * 4)
        func event(_ status: FeatureCacheEvent.Status, key: String? = nil, stored: Bool = false, note: String? = nil) -> FeatureCacheEvent {
            let e = FeatureCacheEvent(role: role, status: status, prefixLayers: cut, rows: data.count, featureShape: shape,
                                      bytes: overflow ? UInt64.max : UInt64(bytes), key: key, stored: stored, note: note)
            recorded.append(e)
            return e
        }
        if augmenting {
            return (uncached, event(.skipped, note: "the training samples are augmented, so they differ every epoch"), 0)
        }
        let digest: String
        do throws(DataError) { digest = try data.contentDigest() } catch {
            return (uncached, event(.failed, note: "the data's digest cannot be computed: \(error.message)"), 0)
        }
        let key = FeatureKey(backbone: network.featurePrefixDigest(cut), data: digest, inputShape: network.inputShape,
                             featureShape: shape, compute: FeatureCompute.identity)
        let name = key.digest
        let fitsMemory = !overflow && bytes <= memoryLimit
        func features(_ rows: CachedFeatures.Rows, _ bad: [FeatureBadRow]) -> LayerInput {
            LayerInput(source: CachedFeatures(base: data, rows: rows, shape: shape, bad: bad, key: name), start: cut)
        }

        // This process made or read them already.
        clock += 1
        if var m = memo[name] {
            m.lastUse = clock
            memo[name] = m
            return (features(m.rows, m.bad), event(.used, key: name, stored: m.stored, note: "in memory"), 0)
        }

        var notes: [String] = []
        if let store {
            switch store.lookup(key) {
            case .hit(let entry, let reader):
                do throws(FormatError) {
                    guard entry.rows == data.count else {
                        throw FormatError(.malformed, "the entry has \(entry.rows) rows for \(data.count) samples")
                    }
                    let rows: CachedFeatures.Rows
                    if fitsMemory {
                        rows = CachedFeatures.Rows(values: try reader.loadAll(sha256: entry.sha256), width: width)
                        remember(name, rows, entry.badRows, stored: true)
                    } else {
                        try reader.verify(sha256: entry.sha256)
                        rows = CachedFeatures.Rows(reader: reader)
                    }
                    return (features(rows, entry.badRows), event(.used, key: name, stored: true), 0)
                } catch {
                    store.discard(key, reason: error.message)
                    notes.append("recomputed: the cached features failed a check (\(error.message))")
                }
            case .damaged(let why):
                notes.append("recomputed: the cache entry was unusable (\(why))")
            case .miss:
                break
            }
        }

        // Compute them: one forward pass of the prefix, streamed to a feature file.
        var writer: FeatureFileWriter?
        if let store {
            do { writer = try store.makeWriter(for: key, rows: data.count) } catch {
                notes.append("not stored: \(FeatureCaching.describe(error))")
            }
        }
        guard writer != nil || fitsMemory else {
            notes.append("the features (\(bytes) bytes) exceed the memory limit (\(memoryLimit) bytes)")
            return (uncached, event(.failed, key: name, note: notes.joined(separator: "; ")), 0)
        }
        let extracted = try extract(data, network: network, cut: cut, batchSize: batchSize, skip: skip,
                                    writer: &writer, keep: fitsMemory, role: role)
        forwards += extracted.forwards
        if let problem = extracted.writeProblem { notes.append("not stored: \(problem)") }
        var stored = false
        var fileRows: CachedFeatures.Rows?
        if let store, let w = writer {
            do {
                let commit = try store.commit(w, key: key, badRows: extracted.bad)
                stored = commit.kept
                if !commit.kept { notes.append("not kept: larger than the cache's limit, or too many bad samples") }
                if extracted.values == nil {
                    try commit.reader.verify(sha256: commit.entry.sha256)
                    fileRows = CachedFeatures.Rows(reader: commit.reader)
                }
            } catch {
                notes.append("not stored: \(FeatureCaching.describe(error))")
            }
        }
        let note = notes.isEmpty ? nil : notes.joined(separator: "; ")
        if let values = extracted.values {
            let rows = CachedFeatures.Rows(values: values, width: width)
            remember(name, rows, extracted.bad, stored: stored)
            return (features(rows, extracted.bad), event(.made, key: name, stored: stored, note: note), extracted.forwards)
        }
        guard let fileRows else {
            return (uncached, event(.failed, key: name, note: note), extracted.forwards)
        }
        return (features(fileRows, extracted.bad), event(.made, key: name, stored: stored, note: note), extracted.forwards)
    }

    /// Runs the prefix over `data` in order, a batch at a time, writing each row to `writer`
    /// (set to nil if a write fails) and keeping them in memory when `keep`. Bad samples (under
    /// `skip`) get a zero row and are recorded with their error.
    private func extract(_ data: any DataSource, network: Network, cut: Int, batchSize: Int, skip: SkipLog?,
                         writer: inout FeatureFileWriter?, keep: Bool,
                         role: String) throws(TrainError) -> (values: [Float]?, bad: [FeatureBadRow], forwards: Int, writeProblem: String?) {
        let width = network.shapes[cut].reduce(1, *)
        let size = max(1, batchSize)
        let plan = stride(from: 0, to: data.count, by: size).map { Array($0..<min(data.count, $0 + size)) }
        let pipeline = BatchPipeline(source: data, batches: plan, skip: skip)
        var values: [Float] = []
        if keep { values.reserveCapacity(data.count * width) }
        var bad: [FeatureBadRow] = []
        var forwards = 0
        var problem: String?
        for indices in plan {
            let next: BatchPipeline.Batch?
            do throws(DataError) { next = try pipeline.next() } catch { throw TrainError(error) }
            guard let batch = next else { break }
            var rows: [Float]
            if batch.count > 0 {
                let x = Tensor(shape: [batch.count] + network.inputShape, data: batch.inputs)
                rows = network.forward(x, training: false, upTo: cut).data
                forwards += batch.count
            } else {
                rows = []
            }
            if batch.count < indices.count {
                // Bad samples were left out: put zero rows in their places and keep their errors.
                var full = [Float](repeating: 0, count: indices.count * width)
                let kept = Set(batch.indices)
                for (r, i) in batch.indices.enumerated() {
                    let at = (i - indices[0]) * width
                    full.replaceSubrange(at..<(at + width), with: rows[(r * width)..<((r + 1) * width)])
                }
                var scratch = [Float](repeating: 0, count: data.sampleCount)
                for i in indices where !kept.contains(i) {
                    // Loaded again for its error: the pipeline logs only the message.
                    var failure: DataError?
                    scratch.withUnsafeMutableBufferPointer { b in
                        var none: SeededRandom?
                        do throws(DataError) { try data.loadSample(i, random: &none, into: b) } catch { failure = error }
                    }
                    bad.append(FeatureBadRow(index: i, kind: (failure?.kind ?? .undecodable).rawValue,
                                             reason: failure?.message ?? "\(data.name(of: i)) was skipped"))
                }
                rows = full
            }
            if let w = writer {
                do throws(FormatError) { try w.append(rows) } catch {
                    problem = error.message
                    writer = nil  // the partial file goes with the writer
                    if !keep { return (nil, bad, forwards, problem) }
                }
            }
            if keep { values += rows }
            onProgress?(role, (indices.last ?? 0) + 1, data.count)
        }
        return (keep ? values : nil, bad, forwards, problem)
    }

    /// Keeps `rows` for reuse in this process, dropping the least recently used to stay within `memoryLimit`.
    private func remember(_ name: String, _ rows: CachedFeatures.Rows, _ bad: [FeatureBadRow], stored: Bool) {
        var total = memo.values.reduce(0) { $0 + $1.rows.memoryBytes }
        while total + rows.memoryBytes > memoryLimit, let oldest = memo.min(by: { $0.value.lastUse < $1.value.lastUse }) {
            total -= oldest.value.rows.memoryBytes
            memo[oldest.key] = nil
        }
        guard total + rows.memoryBytes <= memoryLimit else { return }
        memo[name] = Memo(rows: rows, bad: bad, stored: stored, lastUse: clock)
    }

    /// An error's message, whichever module threw it.
    static func describe(_ error: any Error) -> String {
        if let e = error as? FormatError { return e.message }
        return String(describing: error)
    }
}
