import ArgumentParser
import ZooRegistry

/// `zoo verify [REF]` for the store: every blob's SHA-256 and every chunk's CRC32 (of one version
/// with REF). The `verify` command calls `run` when its argument is not an existing file, or when
/// there is no argument.
enum StoreVerification {
    /// Verifies and prints the result; throws `ExitCode.failure` when anything is wrong.
    static func run(reference: String?, store options: StoreOptions, json: Bool) throws {
        try StoreText.reporting { try verify(reference: reference, store: options, json: json) }
    }

    private static func verify(reference: String?, store options: StoreOptions, json: Bool) throws {
        let store = try options.open()
        let report = try store.verify(try reference.map { (r: String) throws -> ModelReference in try ModelReference(parsing: r) })
        if json {
            try Output.printJSON(report)
        } else {
            for problem in report.problems { print("BAD  \(problem)") }
            var summary = "\(report.ok ? "OK" : "FAILED"): \(report.versions) versions, \(report.blobs) blobs "
                + "(\(Output.bytes(report.bytes))), \(report.chunks) chunk CRCs"
            if report.unreferencedBlobs + report.temporaryFiles > 0 {
                summary += "; \(report.unreferencedBlobs) unreferenced blobs and \(report.temporaryFiles) temporary files (`zoo gc` removes them)"
            }
            print(summary)
        }
        if !report.ok { throw ExitCode.failure }
    }
}
