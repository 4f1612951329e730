import ArgumentParser
import ZooFormat
import ZooRegistry

/// `zoo import FILE NAME[:TAG]`: adds a `.safetensors` or `.zckpt` file as a new version.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Add a .safetensors or .zckpt file to the store as a new version.",
        discussion: """
        A .zckpt file's tensor streams are stored as they are; a safetensors file's tensors are \
        encoded with --codec. Tensors the store holds already are not stored again.
        """)

    @Argument(help: "The .safetensors or .zckpt file.")
    var file: String

    @Argument(help: ArgumentHelp("Model name, optionally with a tag for the new version.", valueName: "name[:tag]"))
    var name: String

    @Option(help: "Codec for safetensors tensors: raw, deflate or planes.")
    var codec: String = "planes"

    @Option(help: "Compression level, 1 (fast) to 9 (small).")
    var level: Int = 6

    @Flag(help: "Print the result as JSON.")
    var json = false

    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard Codec(rawValue: codec) != nil else { throw ValidationError("--codec must be raw, deflate or planes, not '\(codec)'") }
        guard (1...9).contains(level) else { throw ValidationError("--level must be 1 to 9") }
        let ref = try StoreText.reference(name)
        switch ref.selector {
        case .latest, .tag: break
        default: throw ValidationError("'\(name)' must be NAME or NAME:TAG (versions are numbered by the store)")
        }
    }

    func run() throws {
        try StoreText.reporting {
            let ref = try ModelReference(parsing: name)
            var tag: String?
            if case .tag(let t) = ref.selector { tag = t }
            let zoo = try store.open(forWriting: true)
            let result = try zoo.importFile(file, name: ref.name, tag: tag, codec: Codec(rawValue: codec) ?? .planes, level: level)
            if json { try Output.printJSON(result); return }
            let v = result.version
            print("Imported \(v.reference)\(v.tags.isEmpty ? "" : " (" + v.tags.joined(separator: ", ") + ")") \(v.digest.short): "
                  + "\(Output.count(v.parameters)) parameters, \(v.tensorCount) tensors, \(Output.bytes(v.rawBytes)) raw, "
                  + "\(Output.bytes(v.storedBytes)) stored; \(Output.bytes(result.newBlobBytes)) new in the store, "
                  + "\(Output.bytes(result.reusedBlobBytes)) shared")
        }
    }
}
