import Foundation
import ZooFormat

/// What computes a frozen prefix's outputs, as part of a feature cache key: the running
/// executable (its path, size and modification time) and, on Linux, the CPU's feature flags.
///
/// The kernels promise bit-identical results for the same build on the same CPU, not across
/// builds (a kernel change may move the last bit) or instruction sets, and cached features must
/// equal what this process would compute; so a rebuilt `zoo`, or a store shared with another
/// machine, computes its features anew instead of trusting another build's.
enum FeatureCompute {
    /// The identity of this process's build and CPU, computed once.
    static let identity: String = {
        var parts = ["zoo-train features 1"]
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let path = FileManager.default.fileExists(atPath: exe) ? exe : (Bundle.main.executablePath ?? CommandLine.arguments.first ?? "?")
        if let a = try? FileManager.default.attributesOfItem(atPath: path) {
            let size = (a[.size] as? NSNumber)?.int64Value ?? -1
            let modified = (a[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            parts.append("exe \(path) \(size) \(String(format: "%.6f", modified))")
        } else {
            parts.append("exe \(path)")
        }
        if let cpu = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
           let flags = cpu.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) {
            parts.append("cpu " + SHA256Digest.hex(Array(flags.utf8)).prefix(16))
        }
        return parts.joined(separator: "; ")
    }()
}
