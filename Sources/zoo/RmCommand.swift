import ArgumentParser
import ZooRegistry

/// `zoo rm REF`: removes a version or a tag from the index. Blobs stay until `zoo gc`.
struct RmCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm",
        abstract: "Remove a version (name:N, name@sha256:hex) or a tag (name:tag).",
        discussion: "Tags of a removed version go with it. Blob bytes are freed by `zoo gc`, never by rm.")

    @Argument(help: ArgumentHelp("The version or tag.", valueName: "ref"))
    var reference: String

    @Flag(help: "Remove every version and tag of the model named by REF.")
    var all = false

    @Flag(help: "Print what was removed as JSON.")
    var json = false

    @OptionGroup var store: StoreOptions

    func validate() throws { try StoreText.reference(reference) }

    func run() throws {
        try StoreText.reporting {
            let report = try store.open().remove(try ModelReference(parsing: reference), allVersions: all)
            if json { try Output.printJSON(report); return }
            for v in report.versions { print("Removed version \(v)") }
            for t in report.tags { print("Removed tag \(t)") }
            if !report.versions.isEmpty { print("Run `zoo gc` to free blobs no other version uses.") }
        }
    }
}
