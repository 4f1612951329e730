import ArgumentParser
import ZooFormat

/// `zoo convert IN OUT`: between safetensors and `.zckpt`, in any direction.
struct ConvertCommand: ParsableCommand {
    /// The codecs a person can pick (mirrors `Codec`, with help for each).
    enum CodecChoice: String, ExpressibleByArgument, CaseIterable {
        case raw, deflate, planes
        var codec: Codec {
            switch self {
            case .raw: return .raw
            case .deflate: return .deflate
            case .planes: return .planes
            }
        }
    }

    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a checkpoint between .safetensors and .zckpt (any direction).",
        discussion: """
        The extensions of IN and OUT pick the formats. Tensors keep their names, dtypes, shapes, \
        bytes and order, and the safetensors metadata is carried, so safetensors -> zckpt -> \
        safetensors gives back the same bytes for files the official safetensors writer made. \
        OUT is written to a temporary file and renamed into place: an interrupted conversion never \
        leaves a half-written OUT.

        Codecs for .zckpt output:
          planes   (default) byte planes; floats rotated so exponents share a plane;
                   each plane stored raw, Huffman-only or deflated, whichever is smallest
          deflate  zlib deflate over the plain bytes
          raw      no compression; readers can memory-map the tensors

        Examples:
          zoo convert model.safetensors model.zckpt
          zoo convert model.safetensors model.zckpt --codec deflate --level 9
          zoo convert model.zckpt model.safetensors

        \(Output.exitCodeHelp)
        """
    )

    @Argument(help: ArgumentHelp("The file to read: .safetensors or .zckpt.", valueName: "in"))
    var input: String

    @Argument(help: ArgumentHelp("The file to write: .safetensors or .zckpt; replaced if it exists.", valueName: "out"))
    var output: String

    @Option(help: ArgumentHelp("How to encode tensors in a .zckpt OUT (planes, deflate or raw; default planes). Between two .zckpt files without --codec or --level, encoded tensors are copied without re-encoding.",
                               valueName: "codec"))
    var codec: CodecChoice?

    @Option(help: ArgumentHelp("zlib effort for deflate and planes, 1 (fastest) to 9 (smallest); default 6.", valueName: "1-9"))
    var level: Int?

    func validate() throws {
        for (role, path) in [("IN", input), ("OUT", output)] where CheckpointFileFormat(path: path) == nil {
            throw ValidationError("\(role) '\(path)' must end in .zckpt or .safetensors (the extension picks the format)")
        }
        if let level, !(1...9).contains(level) {
            throw ValidationError("--level must be 1 to 9 (1 is fastest, 9 smallest), not \(level)")
        }
        if CheckpointFileFormat(path: output) == .safetensors, codec != nil || level != nil {
            throw ValidationError("--codec and --level apply to .zckpt output only; safetensors stores raw bytes")
        }
    }

    func run() throws {
        try Output.reportingFailures { () throws(FormatError) in
            var bar: Progress?
            let summary = try CheckpointConversion.convert(from: input, to: output, codec: codec?.codec, level: level) { done, total in
                if bar == nil { bar = Progress("converting", total: total) }
                bar?.advance(to: done)
            }
            bar?.finish()
            print("wrote \(output): \(summary.tensorCount) tensors, \(Output.bytes(summary.rawBytes)) raw, \(Output.bytes(summary.outputBytes)) file (\(Output.percent(summary.outputBytes, of: summary.rawBytes)) of raw)")
            if !summary.headerPreserved {
                Output.warn("note: \(input)'s safetensors header is not in the canonical layout (or its metadata keys are not sorted); every tensor and metadata value is kept, but converting back will not reproduce the header's exact bytes")
            }
        }
    }
}
