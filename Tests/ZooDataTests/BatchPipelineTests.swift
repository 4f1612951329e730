import Foundation
import Testing
import ZooModel
@testable import ZooData

/// The pipeline's promises: batches in order whatever the threads do, bad samples reported
/// deterministically or skipped, and no more than `prefetch` batches ahead of the consumer.
struct BatchPipelineTests {
    /// Samples that take uneven time, some that fail, and a record of how far ahead they were asked for.
    final class SlowSource: DataSource, @unchecked Sendable {
        let count: Int
        let bad: Set<Int>
        let lock = NSLock()
        var highest = -1
        init(count: Int, bad: Set<Int> = []) { self.count = count; self.bad = bad }
        var labels: [Int] { (0..<count).map { $0 % 3 } }
        var hasLabels: Bool { true }
        var classNames: [String]? { nil }
        var sampleShape: [Int] { [2] }
        var isInMemory: Bool { false }
        var augments: Bool { true }
        func name(of index: Int) -> String { "sample-\(index)" }
        func loadSample(_ index: Int, random: inout SeededRandom?, into out: UnsafeMutableBufferPointer<Float>) throws(DataError) {
            lock.lock(); highest = max(highest, index); lock.unlock()
            usleep(useconds_t((index * 7919) % 5 * 300))
            if bad.contains(index) { throw DataError(.undecodable, "sample-\(index) is corrupt") }
            out[0] = Float(index)
            out[1] = random.map { var r = $0; return Float(r.unit()) } ?? -1
        }
        func contentDigest() throws(DataError) -> String { "sha256:0" }
    }

    static func plan(_ n: Int, batch: Int) -> [[Int]] {
        var order = Array(0..<n)
        order.reverse()
        return stride(from: 0, to: n, by: batch).map { Array(order[$0..<min(n, $0 + batch)]) }
    }

    @Test func batchesAreTheSameWhateverTheThreads() throws {
        let plan = Self.plan(61, batch: 8)
        func run(workers: Int, augment: Bool) throws -> [BatchPipeline.Batch] {
            let p = BatchPipeline(source: SlowSource(count: 61), batches: plan, augmentation: augment ? (5, 2) : nil, workers: workers, prefetch: 3)
            var out: [BatchPipeline.Batch] = []
            while let b = try p.next() { out.append(b) }
            return out
        }
        let serial = try run(workers: 0, augment: true)
        #expect(serial.map(\.indices) == plan)
        #expect(serial.flatMap(\.inputs).enumerated().filter { $0.offset % 2 == 0 }.map(\.element) == plan.flatMap { $0 }.map(Float.init))
        for workers in [1, 2, 4] {
            let parallel = try run(workers: workers, augment: true)
            #expect(parallel.map(\.inputs) == serial.map(\.inputs))
            #expect(parallel.map(\.labels) == serial.map(\.labels))
        }
        // Without augmentation the generator is nil (the evaluation transform).
        #expect(try run(workers: 2, augment: false).flatMap(\.inputs).enumerated().filter { $0.offset % 2 == 1 }.allSatisfy { $0.element == -1 })
    }

    @Test func badSamplesFailTheFirstInBatchOrderOrAreSkipped() throws {
        let plan = Self.plan(40, batch: 10)
        let source = SlowSource(count: 40, bad: [33, 31, 12])
        let failing = BatchPipeline(source: source, batches: plan, workers: 2)
        do {
            while try failing.next() != nil {}
            Issue.record("no error")
        } catch {
            // The reversed order puts 33 before 31 in the first batch (39...30).
            #expect(error.message == "sample-33 is corrupt")
        }
        let log = SkipLog()
        let skipping = BatchPipeline(source: source, batches: plan, skip: log, workers: 2)
        var seen: [Int] = []
        while let b = try skipping.next() {
            seen += b.indices
            #expect(b.inputs.count == b.count * 2 && b.labels.count == b.count)
        }
        #expect(seen == plan.flatMap { $0 }.filter { ![33, 31, 12].contains($0) })
        #expect(log.entries.map(\.name) == ["sample-33", "sample-31", "sample-12"])
        // The same bad sample in a later epoch is not reported again.
        #expect(!log.record("sample-33", reason: "again"))
    }

    @Test func workersStayWithinThePrefetchWindow() throws {
        let source = SlowSource(count: 200)
        let plan = (0..<20).map { b in Array((b * 10)..<((b + 1) * 10)) }
        let p = BatchPipeline(source: source, batches: plan, workers: 4, prefetch: 2)
        _ = try p.next()
        usleep(100_000)  // a slow trainer step: the workers must wait, not run ahead
        source.lock.lock()
        let highest = source.highest
        source.lock.unlock()
        // Consumed 1 batch; batches 1 and 2 may be prepared: indices up to 29.
        #expect(highest <= 29, "workers reached sample \(highest)")
        var count = 1
        while try p.next() != nil { count += 1 }
        #expect(count == 20)
    }

    @Test func inMemoryRowsAreGatheredInline() throws {
        let rows = Dataset(features: (0..<20).map(Float.init), featureCount: 2, labels: Array(repeating: 1, count: 10))
        let p = BatchPipeline(source: rows, batches: [[9, 0], [3]])
        #expect(try p.next()?.inputs == [18, 19, 0, 1])
        #expect(try p.next()?.inputs == [6, 7])
        #expect(try p.next() == nil)
    }
}
