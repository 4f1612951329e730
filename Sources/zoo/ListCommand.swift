import ArgumentParser
import ZooRegistry

/// `zoo list`: every version in the store, from `index.json` alone.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the models and versions in the store.", aliases: ["ls"])

    @Argument(help: "Only versions of this model.")
    var name: String?

    @Flag(help: "Print a JSON array of versions.")
    var json = false

    @OptionGroup var store: StoreOptions

    func run() throws {
        try StoreText.reporting {
            let all = try store.open().list()
            let versions = name.map { n in all.filter { $0.name == n } } ?? all
            if json { try Output.printJSON(versions); return }
            if versions.isEmpty {
                print(name == nil ? "The store is empty; add a model with `zoo import FILE NAME`." : "No versions of \(name ?? "").")
                return
            }
            var table = Table(["NAME", "VERSION", "TAGS", "PARAMS", "SIZE", "STORED", "DIGEST", "CREATED", "PARENT"],
                              alignments: [.left, .right, .left, .right, .right, .right, .left, .left, .left])
            let references = StoreText.references(of: all)
            for v in versions {
                table.add([v.name, String(v.version), v.tags.joined(separator: ","), Output.count(v.parameters),
                           Output.bytes(v.rawBytes), Output.bytes(v.storedBytes), v.digest.short,
                           StoreText.time(v.created), StoreText.parent(v.parent, references: references)])
            }
            print(table.render())
        }
    }
}
