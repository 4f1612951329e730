import ArgumentParser
import ZooRegistry

/// `zoo gc`: deletes blobs no version references and temporary files of interrupted writers.
struct GcCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc", abstract: "Delete unreferenced blobs and leftover temporary files.",
        discussion: """
        Also removes the feature cache's leftovers (feature files no entry names, entries whose \
        file is gone); --features drops the whole feature cache (frozen backbones' outputs, \
        recomputed by the next run that needs them). \
        Examples: zoo gc --dry-run; zoo gc --features.
        """)

    @Flag(help: "Only report what would be deleted.")
    var dryRun = false

    @Flag(help: "Drop every feature cache entry too (frozen backbones' cached outputs).")
    var features = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    @OptionGroup var store: StoreOptions

    func run() throws {
        try StoreText.reporting {
            let report = try store.open().gc(dryRun: dryRun, features: features)
            if json { try Output.printJSON(report); return }
            let verb = dryRun ? "Would free" : "Freed"
            print("\(verb) \(Output.bytes(report.freedBytes)): \(report.blobs.count) unreferenced blobs "
                  + "(\(Output.bytes(report.blobBytes))), \(report.temporaryFiles) temporary files (\(Output.bytes(report.temporaryBytes)))"
                  + (report.featureFiles > 0 || features
                     ? ", \(report.featureEntries) feature cache entries in \(report.featureFiles) files (\(Output.bytes(report.featureBytes)))" : ""))
        }
    }
}
