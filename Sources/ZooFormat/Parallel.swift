import Dispatch

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

    private struct UncheckedBox: @unchecked Sendable {
        let body: (Int) -> Void
    }
}
