import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A progress bar on stderr, drawn only when stderr is a terminal (scripts and CI see nothing).
final class Progress {
    private let label: String
    private let total: UInt64
    private var done: UInt64 = 0
    private var lastDraw = Date.distantPast
    private let enabled: Bool
    private let start = Date()

    init(_ label: String, total: UInt64) {
        self.label = label
        self.total = max(total, 1)
        self.enabled = isatty(STDERR_FILENO) == 1
    }

    /// Records `n` more units of work and redraws at most ten times a second.
    func advance(by n: UInt64) {
        done += n
        guard enabled else { return }
        let now = Date()
        if now.timeIntervalSince(lastDraw) >= 0.1 || done >= total {
            lastDraw = now
            draw()
        }
    }

    /// Sets the work done so far to `n` (for callers that report running totals, not increments).
    func advance(to n: UInt64) {
        if n > done { advance(by: n - done) }
    }

    private func draw() {
        let fraction = min(1, Double(done) / Double(total))
        let width = 30
        let filled = Int(fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let line = String(format: "\r%@ %@ %3.0f%% %.1fs", label, bar, fraction * 100, Date().timeIntervalSince(start))
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Clears the bar's line.
    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
