import Foundation

/// What the CPU's vector unit offers, asked of the operating system once.
///
/// The OS is the right judge, not the bare `cpuid` bits: AVX-512 also needs the OS to save the zmm
/// and mask registers on a context switch. Linux lists a feature in `/proc/cpuinfo` only when it
/// has enabled it; macOS answers `hw.optional.*` the same way.
enum CPUFeatures {
    /// The AVX-512 subsets the `skylake-avx512` target may use (F, CD, BW, DQ, VL), with FMA.
    static let hasAVX512: Bool = has(["avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl", "fma"])

    /// AVX2 with FMA (`haswell`).
    static let hasAVX2: Bool = has(["avx2", "fma"])

    private static func has(_ names: [String]) -> Bool {
        #if arch(x86_64)
        #if os(Linux)
        return names.allSatisfy(linuxFlags.contains)
        #elseif canImport(Darwin)
        return names.allSatisfy { darwinFlag($0) }
        #else
        return false
        #endif
        #else
        return false
        #endif
    }

    #if os(Linux)
    /// The `flags` of the first processor in `/proc/cpuinfo` (every core of one machine has the same).
    private static let linuxFlags: Set<String> = {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return [] }
        for line in text.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        }
        return []
    }()
    #endif

    #if canImport(Darwin)
    /// `hw.optional.<name>` (macOS spells FMA as `fma` and AVX2 as `avx2_0`).
    private static func darwinFlag(_ name: String) -> Bool {
        let key = name == "avx2" ? "hw.optional.avx2_0" : "hw.optional.\(name)"
        var value: Int32 = 0
        var size = MemoryLayout<Int32>.size
        return sysctlbyname(key, &value, &size, nil, 0) == 0 && value != 0
    }
    #endif
}
