import ArgumentParser
import ZooRegistry

/// `zoo tag REF NAME:TAG`: points a movable tag at a version.
struct TagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag", abstract: "Point a tag at a version (moving it if it exists).")

    @Argument(help: ArgumentHelp("The version to tag.", valueName: "ref"))
    var reference: String

    @Argument(help: ArgumentHelp("The tag to set.", valueName: "name:tag"))
    var target: String

    @OptionGroup var store: StoreOptions

    func validate() throws {
        try StoreText.reference(reference)
        guard case .tag = try StoreText.reference(target).selector else {
            throw ValidationError("'\(target)' must be NAME:TAG, where TAG is not a number or 'latest'")
        }
    }

    func run() throws {
        try StoreText.reporting {
            let v = try store.open().tag(try ModelReference(parsing: reference), as: try ModelReference(parsing: target))
            print("\(target) -> \(v.reference) \(v.digest.short)")
        }
    }
}
