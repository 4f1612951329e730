import ArgumentParser
import Foundation
import ZooData
import ZooFormat
import ZooModel
import ZooRegistry

/// `zoo create NAME[:TAG] --layers SPEC --input SHAPE` or `--arch ARCH.json`: a new, randomly
/// initialised, runnable model.
struct CreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a new, randomly initialised model from a layer spec or a description, as a new version.",
        discussion: """
        SPEC uses the same layer language as graft, for example \
        --input 1x8x8 --layers conv2d:16:3:pad1,relu,maxpool2d:2,flatten,dense:10. \
        --arch ARCH.json takes a whole description instead (formats/model-description.md: blocks, \
        tensor names, input shape, model card), for example the description of a pretrained \
        network, to train the same architecture from scratch; every layer's and block node's \
        tensors are drawn (a layer naming no tensors gets them all, named LAYER.ROLE). \
        Weights are drawn with --init from --seed; the same arguments give the same bytes and the \
        same version digest. The lineage records operation "create" with the spec (or the \
        description's file name), init and seed. --init torchvision draws what torchvision's \
        ResNet and MobileNet constructors do (kaiming normal fan_out convs; MobileNet's dense \
        layers N(0, 0.01), ResNet's PyTorch's default).

        Examples:
          zoo create digits-cnn --input 1x8x8 --layers conv2d:16:3:pad1,relu,maxpool2d:2,flatten,dense:10
          zoo create scratch-mnv2 --arch mobilenet_v2.json --init torchvision --seed 3
        """)

    @Argument(help: ArgumentHelp("The new model's name, optionally with a tag.", valueName: "name[:tag]"))
    var target: String

    @Option(help: ArgumentHelp("Layers, comma-separated.", valueName: "spec"))
    var layers: String?

    @Option(help: ArgumentHelp("A model description (JSON) whose architecture the new model takes.", valueName: "arch.json"))
    var arch: String?

    @Option(help: ArgumentHelp("Per-example input shape, for example 64 or 1x8x8 (with --arch: overrides the description's).", valueName: "shape"))
    var input: String?

    @Option(name: .customLong("init"), help: ArgumentHelp("Init scheme: \(InitScheme.acceptedForms).", valueName: "scheme"))
    var initScheme: String = "pytorch"

    @Option(help: "Seed of the weights.")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Class names, comma-separated, in logit order.", valueName: "a,b,c"))
    var labels: String?

    @Option(help: "Codec of the tensors: raw, deflate or planes.")
    var codec: String = "planes"

    @Flag(help: "Print the result as JSON.")
    var json = false

    @OptionGroup(title: "Model card") var card: ModelCardOptions

    @OptionGroup var store: StoreOptions

    func validate() throws {
        let ref = try StoreText.reference(target)
        switch ref.selector {
        case .latest, .tag: break
        default: throw ValidationError("'\(target)' must be NAME or NAME:TAG (versions are numbered by the store)")
        }
        switch (layers, arch) {
        case (nil, nil): throw ValidationError("give the layers with --layers SPEC (and --input SHAPE) or a description with --arch ARCH.json")
        case (.some, .some): throw ValidationError("give --layers or --arch, not both")
        case (.some, nil) where input == nil: throw ValidationError("--layers needs --input SHAPE, for example --input 1x8x8")
        default: break
        }
        do {
            if let layers { _ = try LayerSpec.parse(layers) }
            if let input { _ = try ModelBuilder.parseShape(input) }
            _ = try InitScheme.parse(initScheme)
        } catch {
            throw ValidationError(error.message)
        }
        guard Codec(rawValue: codec) != nil else { throw ValidationError("--codec must be raw, deflate or planes, not '\(codec)'") }
        do {
            // With --arch and no --input the shape is the description's, checked when it is read.
            if let input { _ = try card.imagePreprocessing(input: try ModelBuilder.parseShape(input)) }
        } catch let error as DataError {
            throw ValidationError(error.message)
        }
        if let labels, labelList(labels).contains(where: \.isEmpty) {
            throw ValidationError("--labels '\(labels)' has an empty name; give class names separated by commas")
        }
    }

    private func labelList(_ text: String) -> [String] {
        text.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: .whitespaces) }
    }

    func run() throws {
        try TrainingOptions.reporting {
            let ref = try ModelReference(parsing: target)
            var tag: String?
            if case .tag(let t) = ref.selector { tag = t }
            let scheme = try InitScheme.parse(initScheme)
            // No `created` time in the description: the manifest digest depends on the arguments only.
            var built: (description: ModelDescription, tensors: [InitializedTensor])
            if let arch {
                var model = try ImportInputs.description(at: arch)
                if let input { model.input = try ModelBuilder.parseShape(input) }
                if let labels {
                    model.metadata.labels = labelList(labels)
                    model.metadata.task = "classification"
                }
                built = try ModelBuilder.create(description: model, scheme: scheme, seed: seed,
                                                source: URL(fileURLWithPath: arch).lastPathComponent)
            } else {
                built = try ModelBuilder.create(input: try ModelBuilder.parseShape(input ?? ""), specs: try LayerSpec.parse(layers ?? ""),
                                                scheme: scheme, seed: seed, labels: labels.map(labelList))
            }
            card.apply(to: &built.description.metadata)
            if let recipe = try card.imagePreprocessing(input: built.description.input ?? []) {
                built.description.metadata.preprocessing = recipe
            }
            let zoo = try store.open(forWriting: true)
            let result = try zoo.commitNew(built.tensors, model: built.description, name: ref.name, tag: tag,
                                           codec: Codec(rawValue: codec) ?? .planes)
            let v = result.version
            if json {
                try Output.printJSON(JSONValue.object([
                    "version": .string(v.reference), "digest": .string(v.digest.description),
                    "parameters": .number(Double(v.parameters)), "tensors": .number(Double(v.tensorCount)),
                    "stored_bytes": .number(Double(v.storedBytes)), "init": .string(scheme.description),
                    "seed": .string(String(seed)),
                ]))
                return
            }
            print("Created \(v.reference)\(tag.map { " (\($0))" } ?? "") \(v.digest.short): \(Output.count(v.parameters)) parameters, "
                  + "\(v.tensorCount) tensors, \(Output.bytes(v.storedBytes)) stored")
            var table = Table(["layer", "op", "output", "tensors"], alignments: [.left, .left, .left, .left])
            for layer in built.description.layers {
                table.add([layer.name, LayerSpec(layer.op).description, layer.outputShape.map(TrainingOptions.shapeText) ?? "?",
                           layer.orderedTensorNames.joined(separator: ", ")])
            }
            print(table.render())
        }
    }
}
