import ArgumentParser
import ZooRegistry

/// `zoo gc`: deletes blobs no version references and temporary files of interrupted writers.
struct GcCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc", abstract: "Delete unreferenced blobs and leftover temporary files.")

    @Flag(help: "Only report what would be deleted.")
    var dryRun = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    @OptionGroup var store: StoreOptions

    func run() throws {
        try StoreText.reporting {
            let report = try store.open().gc(dryRun: dryRun)
            if json { try Output.printJSON(report); return }
            let verb = dryRun ? "Would free" : "Freed"
            print("\(verb) \(Output.bytes(report.freedBytes)): \(report.blobs.count) unreferenced blobs "
                  + "(\(Output.bytes(report.blobBytes))), \(report.temporaryFiles) temporary files (\(Output.bytes(report.temporaryBytes)))")
        }
    }
}
