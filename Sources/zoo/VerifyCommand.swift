import ArgumentParser
import ZooFormat

/// `zoo verify FILE`: decode everything and check every checksum.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a checkpoint file end to end: decode every tensor, check every checksum.",
        discussion: """
        For a .zckpt file: decodes every chunk of every tensor, checking each chunk's CRC32 and each \
        tensor's SHA-256. On the first failure it names the tensor and the chunk and exits with \
        status 1. For a .safetensors file (which carries no checksums): validates the header and \
        layout and reads every byte.

        Examples:
          zoo verify model.zckpt
          zoo verify model.safetensors

        \(Output.exitCodeHelp)
        """
    )

    @Argument(help: ArgumentHelp("The file to check: a .zckpt or .safetensors file.", valueName: "file"))
    var file: String

    func validate() throws {
        guard CheckpointFileFormat(path: file) != nil else {
            throw ValidationError("'\(file)' must end in .zckpt or .safetensors (the extension tells zoo how to read it)")
        }
    }

    func run() throws {
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
