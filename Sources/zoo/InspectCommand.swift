import ArgumentParser
import ZooFormat

/// `zoo inspect FILE|REF`: what is inside a checkpoint file (from its header alone) or a stored
/// version (from its manifest and config, never its tensor blobs).
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show what a stored model or a .zckpt/.safetensors file holds, without reading tensor data.",
        discussion: """
        Prints the format and version, tensor count, parameters, raw bytes (as the tensors' values \
        take in memory), stored bytes (as they take in the file) and their ratio. Only the header \
        or index is read, so this is instant even for large models.

        For a stored model (REF is name, name:N, name:TAG or name@sha256:HEX) it also shows the \
        layers, metadata and lineage, and whether the built-in trainer can run the model.

        Examples:
          zoo inspect digits-mlp
          zoo inspect digits-mlp:2 --tensors
          zoo inspect model.safetensors
          zoo inspect model.zckpt --tensors
          zoo inspect model.zckpt --json | jq .parameters

        \(Output.exitCodeHelp)
        """
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("A stored model's reference, or a .zckpt or .safetensors file (the extension picks the format).",
                                 valueName: "ref-or-file"))
    var file: String

    @Flag(help: "Also list every tensor: name, dtype, shape, codec, raw and stored size, ratio.")
    var tensors = false

    @Flag(help: "Print JSON for scripts instead of text (always includes the tensor list; sizes in bytes).")
    var json = false

    func validate() throws {
        try TargetArgument(file).validate()
    }

    func run() throws {
        guard case .file = TargetArgument(file) else {
            try StoreInspection.run(reference: file, store: store, tensors: tensors, json: json)
            return
        }
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
