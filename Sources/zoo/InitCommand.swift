import ArgumentParser
import ZooRegistry

/// `zoo init [PATH]`: creates an empty store.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create an empty model store (an OCI image layout).",
        discussion: "With no PATH, the store goes where --zoo, $ZOO_PATH or the default says.")

    @Argument(help: "Directory for the store (created with its parents).")
    var path: String?

    @OptionGroup var store: StoreOptions

    func run() throws {
        try StoreText.reporting {
            let target = path ?? store.location.path
            let existed = Store.isStore(at: target)
            let created = try Store.create(at: target)
            print(existed ? "\(created.root) is a zoo store already" : "Created an empty zoo store at \(created.root)")
        }
    }
}
