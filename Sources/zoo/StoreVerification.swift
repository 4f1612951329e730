import ArgumentParser
import ZooRegistry

/// `zoo verify [REF] [--deep]` for the store: every blob's SHA-256 and every chunk's CRC32 (of one
/// version with REF); with `--deep` every tensor decoded and its raw SHA-256 checked. The `verify`
/// command calls `run` when its argument is not an existing file, or when there is no argument.
enum StoreVerification {
    /// Verifies and prints the result; throws `ExitCode.failure` when anything is wrong.
    static func run(reference: String?, store options: StoreOptions, json: Bool, deep: Bool = false) throws {
        try StoreText.reporting { try verify(reference: reference, store: options, json: json, deep: deep) }
    }

    private static func verify(reference: String?, store options: StoreOptions, json: Bool, deep: Bool) throws {
        let store = try options.open()
        var bar: Progress?
        let ref = try reference.map { (r: String) throws -> ModelReference in try ModelReference(parsing: r) }
        let report = try store.verify(ref, deep: deep) { done, total in
            if bar == nil { bar = Progress("decoding", total: total) }
            bar?.advance(to: done)
        }
        bar?.finish()
        if json {
            try Output.printJSON(report)
        } else {
            for problem in report.problems { print("BAD  \(problem)") }
            var summary = "\(report.ok ? "OK" : "FAILED"): \(report.versions) versions, \(report.blobs) blobs "
                + "(\(Output.bytes(report.bytes))), \(report.chunks) chunk CRCs"
            if report.deep {
                summary += ", \(report.decodedTensors) tensors decoded (\(Output.bytes(report.decodedBytes)) raw)"
                    + (report.ok ? ", every SHA-256 matches" : "")
            }
            if report.unreferencedBlobs + report.temporaryFiles > 0 {
                summary += "; \(report.unreferencedBlobs) unreferenced blobs and \(report.temporaryFiles) temporary files (`zoo gc` removes them)"
            }
            print(summary)
        }
        if !report.ok { throw ExitCode.failure }
    }
}
