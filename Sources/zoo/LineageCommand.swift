import ArgumentParser
import ZooFormat
import ZooRegistry

/// `zoo lineage REF`: where a version came from, step by step, and what was made from it.
struct LineageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lineage", abstract: "Show a version's chain of parents and its children.")

    @Argument(help: ArgumentHelp("The version.", valueName: "ref"))
    var reference: String

    @Flag(help: "Print the lineage as JSON.")
    var json = false

    @OptionGroup var store: StoreOptions

    func validate() throws { try StoreText.reference(reference) }

    func run() throws {
        try StoreText.reporting {
            let lineage = try store.open().lineage(try ModelReference(parsing: reference))
            if json { try Output.printJSON(lineage); return }
            for (i, step) in lineage.chain.enumerated() {
                let indent = String(repeating: "  ", count: i) + (i == 0 ? "" : "<- ")
                let who = step.reference ?? "\(step.digest.short) (no longer in the store)"
                var line = "\(indent)\(who)"
                if let op = step.operation { line += "  \(op)" }
                if !step.parameters.isEmpty { line += " " + StoreInspection.parameters(step.parameters) }
                if let created = step.created { line += "  \(StoreText.time(created))" }
                print(line)
            }
            print(lineage.children.isEmpty ? "children: none" : "children: " + lineage.children.joined(separator: ", "))
        }
    }
}
