import Foundation

#if os(Linux)
/// glibc's `mallopt` (malloc.h is not part of Swift's Glibc module).
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif

/// Keeps freed activation buffers in the process for the next batch instead of handing them back
/// to the OS.
///
/// glibc serves every allocation above 32 MB with a fresh `mmap` and unmaps it on free, so each
/// batch of a CNN at 224×224 faults in (and the kernel zeroes) every activation again: measured
/// here, that doubles MobileNetV2's forward time at batch 32. With `mmap` off and trimming only
/// past 1 GiB of free heap, freed activations are reused as they are; the process keeps its peak
/// footprint until it exits. Applied once, on the first convolution layer built;
/// `ZOO_KEEP_FREED_MEMORY=0` leaves glibc's defaults.
enum AllocatorTuning {
    /// Whether the tuning is in effect (evaluated once).
    static let applied: Bool = {
        #if os(Linux)
        guard ProcessInfo.processInfo.environment["ZOO_KEEP_FREED_MEMORY"] != "0" else { return false }
        let mmapMax: Int32 = -4, trimThreshold: Int32 = -1   // M_MMAP_MAX, M_TRIM_THRESHOLD
        return glibcMallopt(mmapMax, 0) == 1 && glibcMallopt(trimThreshold, 1 << 30) == 1
        #else
        return false
        #endif
    }()
}
