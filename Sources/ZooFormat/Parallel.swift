import Dispatch
import Foundation

/// Runs a loop body on all cores. `DispatchQueue.concurrentPerform` wants a `@Sendable` body; the
/// codec loops share buffers by design (each iteration writes only its own slots), so this
/// wrapper vouches for that instead of every caller.
enum Parallel {
    /// Calls `body(i)` for every `i` in `0..<iterations`, concurrently, and returns when all are done.
    static func run(_ iterations: Int, _ body: (Int) -> Void) {
        guard iterations > 1 else {
            if iterations == 1 { body(0) }
            return
        }
        withoutActuallyEscaping(body) { escapable in
            let box = UncheckedBox(body: escapable)
            DispatchQueue.concurrentPerform(iterations: iterations) { box.body($0) }
        }
    }

    /// Calls `body(worker, item)` for every item in `0..<items` on up to `workers` threads, each
    /// worker claiming the next unclaimed item as it becomes free (so a slow or descheduled
    /// thread never holds up work another could do). Items are claimed in increasing order; once
    /// `body` returns false no further items are claimed, so every item below the one that
    /// returned false has been run when this returns.
    static func forEach(_ items: Int, workers: Int, _ body: (_ worker: Int, _ item: Int) -> Bool) {
        let workers = max(1, min(workers, items))
        guard workers > 1 else {
            for item in 0..<items where !body(0, item) { return }
            return
        }
        let queue = WorkCounter(items)
        run(workers) { worker in
            while let item = queue.claim() {
                if !body(worker, item) { queue.stop(); return }
            }
        }
    }

    private struct UncheckedBox: @unchecked Sendable {
        let body: (Int) -> Void
    }
}

/// The next item to claim, shared by the workers of `Parallel.forEach`.
private final class WorkCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private var end: Int

    init(_ items: Int) { end = items }

    func claim() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < end else { return nil }
        next += 1
        return next - 1
    }

    func stop() {
        lock.lock()
        end = next
        lock.unlock()
    }
}
