import Foundation

/// Which SGEMM micro-kernel runs: the widest vector unit the CPU has, chosen at run time.
///
/// `ZOO_KERNEL=avx2` forces the AVX2 kernel on an AVX-512 machine (to measure or test the fallback);
/// asking for `avx512` where the CPU lacks it falls back to AVX2 rather than crash.
public enum GemmKernel: String, Sendable, CaseIterable {
    /// 8×48 tiles in zmm registers.
    case avx512
    /// 6×16 tiles in ymm registers, with FMA.
    case avx2

    /// The kernel every product uses unless a caller names one.
    public static let selected: GemmKernel = {
        let best: GemmKernel = CPUFeatures.hasAVX512 ? .avx512 : .avx2
        guard let text = ProcessInfo.processInfo.environment["ZOO_KERNEL"], let asked = GemmKernel(rawValue: text) else {
            return best
        }
        return asked.isSupported ? asked : best
    }()

    /// Whether this CPU can run the kernel.
    public var isSupported: Bool {
        switch self {
        case .avx512: return CPUFeatures.hasAVX512
        case .avx2: return true
        }
    }
}
