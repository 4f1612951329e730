#if canImport(Glibc)
import Glibc
#endif

/// Advice to the kernel about memory a decoder is about to fill.
enum OutputMemory {
    /// Outputs at least this large are advised.
    static let hugePageThreshold = 4 << 20

    /// Asks for transparent huge pages (MADV_HUGEPAGE) over the 2 MiB-aligned interior of
    /// `output`, when it is large. A decoder writes every byte of its output once, so first
    /// touches dominate: a 4 KiB page fault costs about as much as decoding the page, and a fresh
    /// 90 MB tensor set takes 22,000 of them. With huge pages it takes 45. Advice only: where the
    /// kernel has THP off, or the memory is not anonymous (a file mapping), nothing changes.
    static func adviseHugePages(_ output: UnsafeMutableRawBufferPointer) {
        #if os(Linux)
        guard output.count >= hugePageThreshold, let base = output.baseAddress else { return }
        let huge = 2 << 20
        let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
        let end = (Int(bitPattern: base) + output.count) & ~(huge - 1)
        guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(pointer, end - start, 14 /* MADV_HUGEPAGE */)
        #endif
    }
}
