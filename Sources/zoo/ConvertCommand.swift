import ArgumentParser
import ZooFormat

/// `zoo convert IN OUT`: between safetensors and `.zckpt`, in any direction, and from PyTorch
/// checkpoints and sharded checkpoints to either.
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
        abstract: "Convert a checkpoint between .safetensors and .zckpt, or from a PyTorch checkpoint to either.",
        discussion: """
        The extensions of IN and OUT pick the formats. Tensors keep their names, dtypes, shapes, \
        bytes and order, and the safetensors metadata is carried, so safetensors -> zckpt -> \
        safetensors gives back the same bytes for files the official safetensors writer made. \
        OUT is written to a temporary file and renamed into place: an interrupted conversion never \
        leaves a half-written OUT.

        IN may also be a PyTorch checkpoint (torch.save: .pt, .pth, .bin, .ckpt; zip or legacy, told \
        apart by content) or a sharded checkpoint's *.index.json. Its pickle is never run: only \
        plain data and tensors are read (formats/pytorch-checkpoints.md). Tensors come out \
        contiguous; --key picks the dict of tensors when the checkpoint holds several.

        Codecs for .zckpt output:
          planes   (default) byte planes; floats rotated so exponents share a plane;
                   each plane stored raw, Huffman-only or deflated, whichever is smallest
          deflate  zlib deflate over the plain bytes
          raw      no compression; readers can memory-map the tensors

        Examples:
          zoo convert model.safetensors model.zckpt
          zoo convert model.safetensors model.zckpt --codec deflate --level 9
          zoo convert model.zckpt model.safetensors
          zoo convert mobilenet_v2-b0353104.pth mobilenet_v2.safetensors
          zoo convert lightning.ckpt model.zckpt --key state_dict
          zoo convert pytorch_model.bin.index.json model.safetensors

        \(Output.exitCodeHelp)
        """
    )

    @Argument(help: ArgumentHelp("The file to read: .safetensors, .zckpt, a PyTorch checkpoint or a *.index.json.", valueName: "in"))
    var input: String

    @Argument(help: ArgumentHelp("The file to write: .safetensors or .zckpt; replaced if it exists.", valueName: "out"))
    var output: String

    @Option(help: ArgumentHelp("How to encode tensors in a .zckpt OUT (planes, deflate or raw; default planes). Between two .zckpt files without --codec or --level, encoded tensors are copied without re-encoding.",
                               valueName: "codec"))
    var codec: CodecChoice?

    @Option(help: ArgumentHelp("zlib effort for deflate and planes, 1 (fastest) to 9 (smallest); default 6.", valueName: "1-9"))
    var level: Int?

    @Option(help: ArgumentHelp("PyTorch input: the key of the dict of tensors (keys joined with '.'; default: found automatically).", valueName: "key"))
    var key: String?

    func validate() throws {
        guard CheckpointFileFormat(path: output) != nil else {
            throw ValidationError("OUT '\(output)' must end in .zckpt or .safetensors (the extension picks the format)")
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
            let summary = try CheckpointConversion.convert(from: input, to: output, codec: codec?.codec, level: level, key: key) { done, total in
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
