import ArgumentParser
import ZooFormat

/// `zoo verify [FILE|REF]`: check a file end to end, or a store's blobs.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a checkpoint file end to end, or a store: every digest, every checksum.",
        discussion: """
        For a .zckpt file: decodes every chunk of every tensor, checking each chunk's CRC32 and each \
        tensor's SHA-256. On the first failure it names the tensor and the chunk and exits with \
        status 1. For a .safetensors file (which carries no checksums): validates the header and \
        layout and reads every byte.

        For the store (no argument) or one stored version (REF): checks every blob's SHA-256 \
        digest and every chunk's CRC32, and reports temporary files and unreferenced blobs \
        (which `zoo gc` removes). Exits 1 naming what is bad. With --deep it also decodes every \
        tensor (each distinct stream once) and checks the SHA-256 of its raw bytes against the \
        version's record: slower, it reads what a reader of the values gets.

        Examples:
          zoo verify
          zoo verify --deep
          zoo verify digits-mlp:2 --deep --json
          zoo verify model.zckpt
          zoo verify model.safetensors

        \(Output.exitCodeHelp)
        """
    )

    @OptionGroup var store: StoreOptions

    @Argument(help: ArgumentHelp("A .zckpt or .safetensors file, or a stored model's reference; none: the whole store.",
                                 valueName: "file-or-ref"))
    var target: String?

    @Flag(help: "For the store: print the report as JSON.")
    var json = false

    @Flag(help: "For the store: also decode every tensor and check the SHA-256 of its raw bytes (files are always checked so).")
    var deep = false

    func validate() throws {
        if let target { try TargetArgument(target).validate() }
    }

    func run() throws {
        guard let target, case .file(let file) = TargetArgument(target) else {
            try StoreVerification.run(reference: target, store: store, json: json, deep: deep)
            return
        }
        try Output.reportingFailures { () throws(FormatError) in
            var bar: Progress?
            let report = try CheckpointVerification.verify(path: file) { done, total in
                if bar == nil { bar = Progress("verifying", total: total) }
                bar?.advance(to: done)
            }
            bar?.finish()
            switch report.format {
            case .zckpt:
                print("ok: \(file): \(report.tensorCount) tensors, \(report.chunkCount) chunks, \(Output.bytes(report.rawBytes)) raw; every CRC32 and SHA-256 matches")
            case .safetensors:
                print("ok: \(file): \(report.tensorCount) tensors, \(Output.bytes(report.rawBytes)); header and layout are valid (safetensors has no checksums to check)")
            }
        }
    }
}
