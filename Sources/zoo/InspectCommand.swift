import ArgumentParser
import ZooFormat

/// `zoo inspect FILE|REF`: what is inside a checkpoint file (from its header alone) or a stored
/// version (from its manifest and config, never its tensor blobs).
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show what a stored model or a checkpoint file holds, without reading tensor data.",
        discussion: """
        Prints the format and version, tensor count, parameters, raw bytes (as the tensors' values \
        take in memory), stored bytes (as they take in the file) and their ratio. Only the header \
        or index is read, so this is instant even for large models.

        A PyTorch checkpoint (torch.save: .pt, .pth, .bin, .ckpt; told apart by content) is read \
        without running its pickle: the tensors and where they were found, and every entry that is \
        not imported (epoch, optimizer state, other values). A *.index.json shows the sharded \
        checkpoint as one model.

        For a stored model (REF is name, name:N, name:TAG or name@sha256:HEX) it also shows the \
        layers, metadata and lineage, and whether the built-in trainer can run the model.

        Examples:
          zoo inspect digits-mlp
          zoo inspect digits-mlp:2 --tensors
          zoo inspect model.safetensors
          zoo inspect model.zckpt --tensors
          zoo inspect model.zckpt --json | jq .parameters
          zoo inspect mobilenet_v2-b0353104.pth --tensors
          zoo inspect lightning.ckpt --key state_dict --json

        \(Output.exitCodeHelp)
        """
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("A stored model's reference, or a checkpoint file: .zckpt, .safetensors, a PyTorch checkpoint or a *.index.json.",
                                 valueName: "ref-or-file"))
    var file: String

    @Flag(help: "Also list every tensor: name, dtype, shape, codec, raw and stored size, ratio.")
    var tensors = false

    @Flag(help: "Print JSON for scripts instead of text (always includes the tensor list; sizes in bytes).")
    var json = false

    @Option(help: ArgumentHelp("PyTorch checkpoints: the key of the dict of tensors (keys joined with '.'; default: found automatically).", valueName: "key"))
    var key: String?

    func validate() throws {
        try TargetArgument(file).validate(anyContent: true)
        if key != nil, case .reference = TargetArgument(file) {
            throw ValidationError("--key applies to PyTorch checkpoint files, not to stored models")
        }
    }

    func run() throws {
        guard case .file = TargetArgument(file) else {
            try StoreInspection.run(reference: file, store: store, tensors: tensors, json: json)
            return
        }
        try Output.reportingFailures { () throws(FormatError) in
            let inspection = try FileInspection(path: file, key: key)
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
