import Foundation

/// Keeps chunk workspaces between tensors: a deflate stream with memLevel 9 costs about half a
/// megabyte to set up, too much to pay per tensor of a model with hundreds of small tensors.
final class WorkspacePool: @unchecked Sendable {
    /// The process-wide pool.
    static let shared = WorkspacePool()

    private let lock = NSLock()
    private var idle: [ChunkWorkspace] = []

    /// A workspace from the pool (or a new one); decoding reserves its buffers as chunks verify.
    func take() throws(FormatError) -> ChunkWorkspace {
        lock.lock()
        let reused = idle.popLast()
        lock.unlock()
        if let reused { return reused }
        return try ChunkWorkspace()
    }

    /// A workspace whose scratch holds chunks of `rawBytes` raw bytes for encoding.
    func take(reservingScratch rawBytes: Int) throws(FormatError) -> ChunkWorkspace {
        let workspace = try take()
        workspace.reserveScratch(rawBytes)
        return workspace
    }

    /// A workspace whose output buffer holds the stored bytes of a chunk of `rawBytes` raw bytes.
    func take(reservingOutput rawBytes: Int) throws(FormatError) -> ChunkWorkspace {
        let workspace = try take()
        workspace.reserveOutput(rawBytes)
        return workspace
    }

    /// Returns workspaces for later use (keeping at most a few per core).
    func give(_ workspaces: [ChunkWorkspace]) {
        lock.lock()
        // Workspaces grown for unusually large chunks are not kept: they hold three chunks each.
        idle.append(contentsOf: workspaces.filter { $0.capacity <= 4 << 20 })
        let keep = 6 * TensorCodec.defaultWorkers
        if idle.count > keep { idle.removeFirst(idle.count - keep) }
        lock.unlock()
    }
}
