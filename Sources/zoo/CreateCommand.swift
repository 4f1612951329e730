import ArgumentParser
import Foundation
import ZooData
import ZooFormat
import ZooModel
import ZooRegistry

/// `zoo create NAME[:TAG] --layers SPEC --input SHAPE`: a new, randomly initialised, runnable model.
struct CreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a new, randomly initialised model from a layer spec, as a new version.",
        discussion: """
        SPEC uses the same layer language as graft, for example \
        --input 1x8x8 --layers conv2d:16:3:pad1,relu,maxpool2d:2,flatten,dense:10. \
        Weights are drawn with --init from --seed; the same arguments give the same bytes and the \
        same version digest. The lineage records operation "create" with the spec, init and seed.
        """)

    @Argument(help: ArgumentHelp("The new model's name, optionally with a tag.", valueName: "name[:tag]"))
    var target: String

    @Option(help: ArgumentHelp("Layers, comma-separated.", valueName: "spec"))
    var layers: String

    @Option(help: ArgumentHelp("Per-example input shape, for example 64 or 1x8x8.", valueName: "shape"))
    var input: String

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
        do {
            _ = try LayerSpec.parse(layers)
            _ = try ModelBuilder.parseShape(input)
            _ = try InitScheme.parse(initScheme)
        } catch {
            throw ValidationError(error.message)
        }
        guard Codec(rawValue: codec) != nil else { throw ValidationError("--codec must be raw, deflate or planes, not '\(codec)'") }
        do {
            _ = try card.imagePreprocessing(input: try ModelBuilder.parseShape(input))
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
            var built = try ModelBuilder.create(input: try ModelBuilder.parseShape(input), specs: try LayerSpec.parse(layers),
                                                scheme: scheme, seed: seed, labels: labels.map(labelList))
            card.apply(to: &built.description.metadata)
            built.description.metadata.preprocessing = try card.imagePreprocessing(input: try ModelBuilder.parseShape(input))
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
