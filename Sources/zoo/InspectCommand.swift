import ArgumentParser
import ZooFormat

/// `zoo inspect FILE`: what is inside a checkpoint, from its header alone.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show what a .zckpt or .safetensors file holds, without reading tensor data.",
        discussion: """
        Prints the format and version, tensor count, parameters, raw bytes (as the tensors' values \
        take in memory), stored bytes (as they take in the file) and their ratio. Only the header \
        or index is read, so this is instant even for large models.

        Examples:
          zoo inspect model.safetensors
          zoo inspect model.zckpt --tensors
          zoo inspect model.zckpt --json | jq .parameters

        \(Output.exitCodeHelp)
        """
    )

    @Argument(help: ArgumentHelp("The file to inspect: a .zckpt or .safetensors file (the extension picks the format).",
                                 valueName: "file"))
    var file: String

    @Flag(help: "Also list every tensor: name, dtype, shape, codec, raw and stored size, ratio.")
    var tensors = false

    @Flag(help: "Print JSON for scripts instead of text (always includes the tensor list; sizes in bytes).")
    var json = false

    func validate() throws {
        guard CheckpointFileFormat(path: file) != nil else {
            throw ValidationError("'\(file)' must end in .zckpt or .safetensors (the extension tells zoo how to read it)")
        }
    }

    func run() throws {
        try Output.reportingFailures { () throws(FormatError) in
            let inspection = try FileInspection(path: file)
            if json {
                do { try Output.printJSON(inspection) } catch {
                    throw FormatError(.io, "cannot write JSON: \(error)")
                }
            } else {
                print(inspection.summary())
                if tensors {
                    print("")
                    print(inspection.tensorTable())
                }
            }
        }
    }
}
