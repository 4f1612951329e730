extension Parallel {
    /// Elements below which an elementwise pass runs on the calling thread (the threads would cost
    /// more than the pass).
    static let elementwiseThreshold = 1 << 16

    /// Calls `body` on consecutive ranges that cover `0..<count`, concurrently when `count` is
    /// large. The ranges are disjoint, so a pass whose element `i` depends only on inputs `i` gives
    /// the same bits however the work is split.
    static func forEachRange(_ count: Int, _ body: (Range<Int>) -> Void) {
        guard count >= elementwiseThreshold, Gemm.threadCount > 1 else {
            if count > 0 { body(0..<count) }
            return
        }
        // A few tasks per thread balance the load; multiples of 64 keep the SIMD loops whole.
        let tasks = Gemm.threadCount * 4
        let grain = max(4096, ((count + tasks - 1) / tasks + 63) / 64 * 64)
        let n = (count + grain - 1) / grain
        forEach(n) { t in body((t * grain)..<min(count, (t + 1) * grain)) }
    }
}
