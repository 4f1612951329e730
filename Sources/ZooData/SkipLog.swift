import Foundation

/// The bad samples skipped under `--skip-bad`: each is reported once (through `onSkip`, as a
/// warning) and counted, however many epochs meet it. Without a log, a bad sample is an error.
///
/// Thread-safe: the pipeline's workers record into it concurrently.
public final class SkipLog: @unchecked Sendable {
    private let lock = NSLock()
    private var reasons: [String: String] = [:]
    private var order: [String] = []
    private let onSkip: @Sendable (_ name: String, _ reason: String) -> Void

    /// A log that calls `onSkip` the first time each sample is skipped.
    public init(onSkip: @escaping @Sendable (_ name: String, _ reason: String) -> Void = { _, _ in }) {
        self.onSkip = onSkip
    }

    /// Records that sample `name` was skipped because of `reason`; true the first time.
    @discardableResult
    public func record(_ name: String, reason: String) -> Bool {
        lock.lock()
        let isNew = reasons[name] == nil
        if isNew {
            reasons[name] = reason
            order.append(name)
        }
        lock.unlock()
        if isNew { onSkip(name, reason) }
        return isNew
    }

    /// Samples skipped so far.
    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return order.count
    }

    /// The skipped samples and why, in the order they were met.
    public var entries: [(name: String, reason: String)] {
        lock.lock()
        defer { lock.unlock() }
        return order.map { ($0, reasons[$0] ?? "") }
    }
}
