import ArgumentParser
import ZooFormat
import ZooRegistry

/// `zoo export REF OUT`: writes a version to a `.zckpt` or `.safetensors` file.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a stored version to a .zckpt or .safetensors file.",
        discussion: """
        .zckpt copies the stored tensor streams byte for byte; .safetensors decodes them. The file \
        format follows OUT's extension unless --format says otherwise.
        """)

    @Argument(help: ArgumentHelp("The version: name, name:N, name:tag or name@sha256:hex.", valueName: "ref"))
    var reference: String

    @Argument(help: "The file to write.")
    var output: String

    @Option(help: "zckpt or safetensors (default: from OUT's extension).")
    var format: String?

    @OptionGroup var store: StoreOptions

    func validate() throws {
        try StoreText.reference(reference)
        if let format {
            guard CheckpointFileFormat(rawValue: format) != nil else { throw ValidationError("--format must be zckpt or safetensors") }
        } else if CheckpointFileFormat(path: output) == nil {
            throw ValidationError("cannot tell the format of '\(output)': name it .zckpt or .safetensors, or pass --format")
        }
    }

    func run() throws {
        try StoreText.reporting {
            let chosen = format.flatMap(CheckpointFileFormat.init(rawValue:)) ?? CheckpointFileFormat(path: output) ?? .zckpt
            let v = try store.open().export(try ModelReference(parsing: reference), to: output, format: chosen)
            print("Exported \(v.reference) \(v.digest.short) to \(output)")
        }
    }
}
