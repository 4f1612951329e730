import ArgumentParser
import ZooFormat
import ZooRegistry

/// `zoo import FILE NAME[:TAG]`: adds a `.safetensors`, `.zckpt` or PyTorch checkpoint file (or a
/// sharded checkpoint's index) as a new version.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Add a .safetensors, .zckpt or PyTorch checkpoint to the store as a new version.",
        discussion: """
        A .zckpt file's tensor streams are stored as they are; a safetensors file's tensors are \
        encoded with --codec. Tensors the store holds already are not stored again.

        PyTorch checkpoints (torch.save: .pt, .pth, .bin, .ckpt) are read without running their \
        pickle (formats/pytorch-checkpoints.md); their tensors are found at the top level or under \
        a key such as state_dict or model (--key chooses), made contiguous and encoded like \
        safetensors. A sharded checkpoint imports from its *.index.json as one model.

        The model's layers come from --arch ARCH.json (a description: formats/model-description.md), \
        else from the .zckpt file's own description, else from a recognised architecture \
        (torchvision's ResNets, Wide ResNets, ResNeXts, MobileNetV2 and V3, timm's mobilenetv2_100 and \
        mobilenetv3_large/small_100, known by their tensor names and shapes: runnable, with ImageNet \
        preprocessing and labels), else they are inferred from the tensor names \
        (stem, numbered blocks, head): such a model can be sliced, grafted and exported, not trained. \
        A Hugging Face config.json beside the file (or given with --hf-config) is carried along, \
        and `zoo slice` keeps its depth (num_hidden_layers) in step.

        Examples:
          zoo import model.safetensors minilm
          zoo import mlp.safetensors digits-mlp:pretrained --arch mlp.json
          zoo import mobilenet_v2-b0353104.pth mobilenet-v2
          zoo import lightning.ckpt my-model --key state_dict
          zoo import model.safetensors.index.json llama
        """)

    @Argument(help: "The .safetensors, .zckpt or PyTorch checkpoint file, or a *.index.json.")
    var file: String

    @Argument(help: ArgumentHelp("Model name, optionally with a tag for the new version.", valueName: "name[:tag]"))
    var name: String

    @Option(help: "Codec for safetensors tensors: raw, deflate or planes.")
    var codec: String = "planes"

    @Option(help: "Compression level, 1 (fast) to 9 (small).")
    var level: Int = 6

    @Option(help: ArgumentHelp("A model description (JSON) to attach: layers, ops, tensor names, input shape.", valueName: "arch.json"))
    var arch: String?

    @Option(help: ArgumentHelp("A Hugging Face config.json to carry (default: config.json beside FILE, if any).", valueName: "config.json"))
    var hfConfig: String?

    @Option(help: ArgumentHelp("PyTorch checkpoints: the key of the dict of tensors (keys joined with '.'; default: found automatically).", valueName: "key"))
    var key: String?

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
            let architecture = try arch.map { path throws(StoreError) in try ImportInputs.description(at: path) }
            let config = try ImportInputs.hfConfig(explicit: hfConfig, besides: file)
            let result = try zoo.importFile(file, name: ref.name, tag: tag, codec: Codec(rawValue: codec) ?? .planes, level: level,
                                            architecture: architecture, hfConfig: config, key: key)
            if json { try Output.printJSON(result); return }
            let v = result.version
            print("Imported \(v.reference)\(v.tags.isEmpty ? "" : " (" + v.tags.joined(separator: ", ") + ")") \(v.digest.short): "
                  + "\(Output.count(v.parameters)) parameters, \(v.tensorCount) tensors, \(Output.bytes(v.rawBytes)) raw, "
                  + "\(Output.bytes(v.storedBytes)) stored; \(Output.bytes(result.newBlobBytes)) new in the store, "
                  + "\(Output.bytes(result.reusedBlobBytes)) shared")
            if let architecture = result.architecture {
                print("architecture: \(architecture)")
            } else if let why = result.notRecognisedBecause {
                print("architecture: \(why); layers inferred from the tensor names (`zoo inspect` shows them)")
            }
        }
    }
}
