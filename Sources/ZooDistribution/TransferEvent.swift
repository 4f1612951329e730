/// What a push or pull reports while it runs, for a progress bar.
public enum TransferEvent: Sendable {
    /// The plan: this many blobs and bytes will move (the rest the other side has).
    case planned(blobs: Int, bytes: Int64)
    /// More bytes moved.
    case moved(bytes: Int64)
}

/// Receives transfer events; called from the parallel transfers, so it must be thread-safe.
public typealias TransferProgress = @Sendable (TransferEvent) -> Void
