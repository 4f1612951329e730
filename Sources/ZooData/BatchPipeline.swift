import Foundation
import ZooModel

/// The streaming input pipeline: batches of a source in a fixed order, prepared ahead of the
/// trainer by worker threads (one per core) that decode and preprocess samples in parallel.
///
/// - Bounded memory: at most `prefetch` batches are being filled or waiting at any time, and
///   each worker holds one decoded image; nothing else is kept, so a folder larger than memory trains.
/// - Deterministic: a batch's content depends only on its sample indices (and, for augmented
///   training, on seed, epoch and sample index), never on which thread ran first. A failure is
///   reported for the first failing sample of the batch in batch order.
/// - Bad samples: without a `SkipLog` a sample that fails is an error naming it; with one it is
///   recorded (a warning, once) and left out of its batch.
///
/// Sources in memory (`isInMemory`, rows of features) are gathered on the caller's thread: a copy
/// is cheaper than a hand-off.
public final class BatchPipeline {
    /// One batch: inputs `[count] + sampleShape`, row-major, and the labels.
    public struct Batch: Sendable {
        /// `count × sampleCount` values.
        public var inputs: [Float]
        /// Class per row.
        public var labels: [Int]
        /// The source indices of the rows (bad samples skipped are not among them).
        public var indices: [Int]
        /// Rows in the batch.
        public var count: Int { indices.count }
    }

    private let state: State
    private let inline: Bool
    private var workers: [Thread] = []

    /// A pipeline over `batches` (each a list of source indices). With `augmentation` (the run's
    /// seed and the epoch) an augmenting source draws each sample's crop and flip; without it the
    /// evaluation transform applies. `workers` defaults to the active cores, `prefetch` to what
    /// fits in about 128 MiB (2 to 4 batches).
    public init(source: any DataSource, batches: [[Int]], augmentation: (seed: UInt64, epoch: Int)? = nil,
                skip: SkipLog? = nil, workers: Int? = nil, prefetch: Int? = nil) {
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let batchBytes = max(1, (batches.first?.count ?? 1) * source.sampleCount * 4)
        let depth = max(1, prefetch ?? min(4, max(2, (128 << 20) / batchBytes)))
        state = State(source: source, batches: batches, augmentation: augmentation, skip: skip, prefetch: depth)
        inline = source.isInMemory || (workers ?? cores) == 0
        guard !inline else { return }
        for _ in 0..<(workers ?? cores) {
            let state = self.state
            let thread = Thread { state.work() }
            thread.stackSize = 4 << 20
            thread.start()
            self.workers.append(thread)
        }
    }

    deinit {
        state.stop()
    }

    /// The next batch in order; nil after the last.
    public func next() throws(DataError) -> Batch? {
        inline ? try state.nextInline() : try state.nextPrepared()
    }

    /// The shared state of the consumer and the workers, under one lock.
    final class State: @unchecked Sendable {
        let source: any DataSource
        let batches: [[Int]]
        let augmentation: (seed: UInt64, epoch: Int)?
        let skip: SkipLog?
        let prefetch: Int
        let width: Int
        /// The source's labels, read once (a wrapper may compute them on each access).
        let labels: [Int]

        private let condition = NSCondition()
        private var consumed = 0
        private var taskBatch = 0, taskPosition = 0
        private var slots: [Int: Slot] = [:]
        private var stopped = false
        private var running = 0

        final class Slot {
            let buffer: UnsafeMutableBufferPointer<Float>
            var remaining: Int
            var errors: [Int: DataError] = [:]
            init(count: Int, width: Int) {
                buffer = .allocate(capacity: max(1, count * width))
                buffer.initialize(repeating: 0)
                remaining = count
            }
            deinit { buffer.deallocate() }
        }

        init(source: any DataSource, batches: [[Int]], augmentation: (seed: UInt64, epoch: Int)?, skip: SkipLog?, prefetch: Int) {
            self.source = source
            self.batches = batches
            self.augmentation = source.augments ? augmentation : nil
            self.skip = skip
            self.prefetch = prefetch
            self.width = source.sampleCount
            self.labels = source.labels
        }

        /// The generator of one sample's augmentation, or nil in evaluation.
        func random(for index: Int) -> SeededRandom? {
            augmentation.map { Augmentation.random(seed: $0.seed, epoch: $0.epoch, index: index) }
        }

        /// A worker: takes the next sample of the batches allowed ahead, fills it in, repeats.
        func work() {
            condition.lock()
            running += 1
            while true {
                if stopped { break }
                // Skip empty batches so the cursor always points at a real sample.
                while taskBatch < batches.count && taskPosition >= batches[taskBatch].count {
                    if slots[taskBatch] == nil && taskBatch < consumed + prefetch { slots[taskBatch] = Slot(count: 0, width: width); condition.broadcast() }
                    guard taskBatch < consumed + prefetch else { break }
                    taskBatch += 1
                    taskPosition = 0
                }
                guard taskBatch < batches.count, taskBatch < consumed + prefetch, taskPosition < batches[taskBatch].count else {
                    condition.wait()
                    continue
                }
                let b = taskBatch, j = taskPosition
                taskPosition += 1
                let slot: Slot
                if let existing = slots[b] {
                    slot = existing
                } else {
                    slot = Slot(count: batches[b].count, width: width)
                    slots[b] = slot
                }
                condition.unlock()
                let index = batches[b][j]
                var r = random(for: index)
                var failure: DataError?
                do throws(DataError) {
                    try source.loadSample(index, random: &r, into: UnsafeMutableBufferPointer(rebasing: slot.buffer[(j * width)..<((j + 1) * width)]))
                } catch {
                    failure = error
                }
                condition.lock()
                if let failure { slot.errors[j] = failure }
                slot.remaining -= 1
                if slot.remaining == 0 { condition.broadcast() }
            }
            running -= 1
            condition.broadcast()
            condition.unlock()
        }

        func nextPrepared() throws(DataError) -> Batch? {
            condition.lock()
            guard consumed < batches.count else { condition.unlock(); return nil }
            let b = consumed
            condition.broadcast()
            while slots[b] == nil || (slots[b]?.remaining ?? 1) > 0 {
                condition.wait()
            }
            let slot = slots.removeValue(forKey: b)
            consumed += 1
            condition.broadcast()
            condition.unlock()
            guard let slot else { return nil }
            return try finish(batch: b, buffer: UnsafeBufferPointer(slot.buffer), errors: slot.errors)
        }

        func nextInline() throws(DataError) -> Batch? {
            guard consumed < batches.count else { return nil }
            let b = consumed
            consumed += 1
            let indices = batches[b]
            var values = [Float](repeating: 0, count: indices.count * width)
            var errors: [Int: DataError] = [:]
            let augmenting = augmentation != nil
            values.withUnsafeMutableBufferPointer { out in
                if !augmenting {
                    do throws(DataError) { try source.loadBatch(indices, into: out); return } catch {
                        // Find which samples fail, one by one, for the message or the skip log.
                    }
                }
                for (j, index) in indices.enumerated() {
                    var r = random(for: index)
                    do throws(DataError) {
                        try source.loadSample(index, random: &r, into: UnsafeMutableBufferPointer(rebasing: out[(j * width)..<((j + 1) * width)]))
                    } catch {
                        errors[j] = error
                    }
                }
            }
            if errors.isEmpty {
                return Batch(inputs: values, labels: indices.map { labels[$0] }, indices: indices)
            }
            return try values.withUnsafeBufferPointer { (buffer: UnsafeBufferPointer<Float>) throws(DataError) -> Batch in
                try finish(batch: b, buffer: buffer, errors: errors)
            }
        }

        /// The batch from its filled buffer: the first failure thrown, or failed rows left out and logged.
        private func finish(batch b: Int, buffer: UnsafeBufferPointer<Float>, errors: [Int: DataError]) throws(DataError) -> Batch {
            let indices = batches[b]
            if errors.isEmpty {
                return Batch(inputs: Array(buffer.prefix(indices.count * width)), labels: indices.map { labels[$0] }, indices: indices)
            }
            guard let skip else {
                let first = errors.keys.min() ?? 0
                throw errors[first] ?? DataError(.undecodable, "a sample failed")
            }
            var inputs: [Float] = []
            var kept: [Int] = []
            inputs.reserveCapacity((indices.count - errors.count) * width)
            for (j, index) in indices.enumerated() {
                if let e = errors[j] {
                    skip.record(source.name(of: index), reason: e.message)
                    continue
                }
                inputs.append(contentsOf: buffer[(j * width)..<((j + 1) * width)])
                kept.append(index)
            }
            return Batch(inputs: inputs, labels: kept.map { labels[$0] }, indices: kept)
        }

        func stop() {
            condition.lock()
            stopped = true
            condition.broadcast()
            while running > 0 { condition.wait() }
            condition.unlock()
        }
    }
}
