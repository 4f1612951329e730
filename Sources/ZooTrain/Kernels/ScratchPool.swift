import Foundation

/// Reusable scratch buffers for the products' packed panels, so that a small product on many
/// threads does not pay for allocating (and the OS for mapping) fresh panels on every call.
///
/// Buffers are handed out whole and returned whole; each caller owns its buffer until it returns
/// it, so sharing the pool between threads is safe behind the lock.
final class ScratchPool: @unchecked Sendable {
    /// The process-wide pool.
    static let shared = ScratchPool()

    private let lock = NSLock()
    private var free: [Int: [UnsafeMutablePointer<Float>]] = [:]
    /// Buffers kept per size: enough for every thread's task plus slack.
    private let keep = 4 * max(2, ProcessInfo.processInfo.activeProcessorCount)

    /// A buffer of at least `count` floats on a 64-byte boundary, uninitialised.
    func take(_ count: Int) -> UnsafeMutablePointer<Float> {
        lock.lock()
        if let buffer = free[count]?.popLast() {
            lock.unlock()
            return buffer
        }
        lock.unlock()
        return Gemm.allocateFloats(count)
    }

    /// Gives back a buffer from `take(count)`.
    func give(_ buffer: UnsafeMutablePointer<Float>, _ count: Int) {
        lock.lock()
        if free[count, default: []].count < keep {
            free[count, default: []].append(buffer)
            lock.unlock()
            return
        }
        lock.unlock()
        buffer.deallocate()
    }
}
