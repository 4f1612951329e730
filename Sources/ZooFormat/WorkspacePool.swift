import Foundation

/// Keeps chunk workspaces between tensors: a deflate stream with memLevel 9 costs about half a
/// megabyte to set up, too much to pay per tensor of a model with hundreds of small tensors.
final class WorkspacePool: @unchecked Sendable {
    /// The process-wide pool.
    static let shared = WorkspacePool()

    private let lock = NSLock()
    private var idle: [ChunkWorkspace] = []

    /// A workspace whose buffers hold chunks of `rawBytes` raw bytes for encoding (0: whatever it
    /// already has; decoding reserves as chunks verify).
    func take(reserving rawBytes: Int = 0) throws(FormatError) -> ChunkWorkspace {
        lock.lock()
        let reused = idle.popLast()
        lock.unlock()
        let workspace: ChunkWorkspace
        if let reused { workspace = reused } else { workspace = try ChunkWorkspace() }
        if rawBytes > 0 { workspace.reserve(rawBytes) }
        return workspace
    }

    /// Returns workspaces for later use (keeping at most a few per core).
    func give(_ workspaces: [ChunkWorkspace]) {
        lock.lock()
        // Workspaces grown for unusually large chunks are not kept: they hold three chunks each.
        idle.append(contentsOf: workspaces.filter { $0.capacity <= 4 << 20 })
        let keep = 4 * ProcessInfo.processInfo.activeProcessorCount
        if idle.count > keep { idle.removeFirst(idle.count - keep) }
        lock.unlock()
    }
}
