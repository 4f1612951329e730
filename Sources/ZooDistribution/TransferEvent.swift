import ZooRegistry

/// What a push or pull reports while it runs, for a progress bar.
public enum TransferEvent: Sendable {
    /// The plan: this many blobs and bytes will move (the rest the other side has).
    case planned(blobs: Int, bytes: Int64)
    /// More bytes moved.
    case moved(bytes: Int64)
}

extension TransferEvent {
    /// The bytes of `blobs`, saturating: sizes come from manifests a registry sent, and a hostile
    /// one must not overflow the sum.
    static func total(_ blobs: [OCIDescriptor]) -> Int64 {
        blobs.reduce(Int64(0)) { sum, d in
            let (s, overflow) = sum.addingReportingOverflow(max(0, d.size))
            return overflow ? .max : s
        }
    }
}

/// Receives transfer events; called from the parallel transfers, so it must be thread-safe.
public typealias TransferProgress = @Sendable (TransferEvent) -> Void
