import CMalloc
import Foundation

/// Keeps freed activation buffers in the process's heap for the next batch.
///
/// A training step allocates and frees hundreds of megabytes of activations. glibc serves blocks
/// above 32 MiB with fresh `mmap`ed pages and unmaps them on free, so every step page-faults its
/// activations in again; on this project's virtual machines that costs more than the arithmetic
/// of a batchnorm or an activation (a fresh 100 MB buffer takes about 150 ms to fault in, a reused
/// one about 15 ms). With mmap off and trimming off, freed blocks stay in the heap and the next
/// step reuses them: the process keeps its peak memory until it exits, which is what a training
/// run needs anyway. `Network` turns this on when it is first built; `ZOO_HEAP_REUSE=0` leaves
/// glibc's defaults (for measuring without it; PyTorch gets the same effect from
/// `GLIBC_TUNABLES=glibc.malloc.mmap_max=0`).
public enum HeapReuse {
    /// True when large freed blocks are kept for reuse (glibc, and not turned off).
    public static let isEnabled: Bool = {
        if ProcessInfo.processInfo.environment["ZOO_HEAP_REUSE"] == "0" { return false }
        return cmalloc_keep_freed_blocks() != 0
    }()
}
