import Dispatch

/// Runs independent pieces of work on all cores.
///
/// Callers hand each iteration a disjoint part of the output, so no iteration reads what another
/// writes; that is what makes the unchecked `Sendable` wrapper below sound.
enum Parallel {
    /// Runs every loop on the calling thread within the task that sets it: tests compare such a run
    /// bit for bit with a parallel one.
    @TaskLocal static var serial = false

    /// Calls `body(i)` for `i` in `0..<count`, concurrently when `parallel` and there is more than one.
    static func forEach(_ count: Int, parallel: Bool = true, _ body: (Int) -> Void) {
        if !parallel || count < 2 || Gemm.threadCount < 2 || serial {
            for i in 0..<count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { escaping in
            let box = UncheckedSendable(value: escaping)
            DispatchQueue.concurrentPerform(iterations: count) { box.value($0) }
        }
    }
}
