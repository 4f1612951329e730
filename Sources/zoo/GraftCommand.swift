import ArgumentParser
import Foundation
import ZooFormat
import ZooModel
import ZooRegistry

/// `zoo graft REF --head SPEC ...`: appends new, seeded layers to a backbone. The backbone's tensors
/// are carried as their stored bytes; only the head's tensors are encoded.
struct GraftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graft",
        abstract: "Put a new, freshly initialised head on a backbone, as a new version or file.",
        discussion: """
        SPEC is a comma-separated layer list, for example dense:128,relu,dropout:0.2,dense:10 \
        (also conv2d, pooling, flatten, norm layers). The head's input size is the backbone's output, \
        inferred from its layers, or --in-features N; when both are known and differ, nothing is \
        written. New weights are drawn with --init from --seed: the same seed gives the same bytes \
        and the same version digest. By default the backbone is frozen and the head trains.

        \(Output.exitCodeHelp)
        """)

    @Argument(help: ArgumentHelp("The backbone: a version (name, name:N, name:tag, name@sha256:hex) or a .zckpt/.safetensors file.", valueName: "ref"))
    var reference: String

    @Option(help: ArgumentHelp("The head's layers, comma-separated.", valueName: "spec"))
    var head: String

    @Option(name: .customLong("init"), help: ArgumentHelp("Init scheme: \(InitScheme.acceptedForms).", valueName: "scheme"))
    var initScheme: String = "pytorch"

    @Option(help: "Seed of the new weights.")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Frozen layers: backbone, none or a count K.", valueName: "backbone|none|K"))
    var freeze: String = "backbone"

    @Option(help: ArgumentHelp("The head's input size, when the backbone's output cannot be inferred.", valueName: "n"))
    var inFeatures: Int?

    @Option(help: ArgumentHelp("Class names, comma-separated, in logit order.", valueName: "a,b,c"))
    var labels: String?

    @Option(help: ArgumentHelp("Name prefix of the head's layers and tensors (default: head).", valueName: "prefix"))
    var prefix: String?

    @Option(help: "Codec of the new tensors: raw, deflate or planes.")
    var codec: String = "planes"

    @OptionGroup var target: SurgeryOptions

    @OptionGroup var store: StoreOptions

    func validate() throws {
        if !SurgerySource.isFile(reference) { try StoreText.reference(reference) }
        do {
            _ = try LayerSpec.parse(head)
            _ = try InitScheme.parse(initScheme)
            _ = try FreezeSpec.parse(freeze)
        } catch {
            throw ValidationError(error.message)
        }
        guard Codec(rawValue: codec) != nil else { throw ValidationError("--codec must be raw, deflate or planes, not '\(codec)'") }
        if let labels, labelList(labels).contains(where: \.isEmpty) {
            throw ValidationError("--labels '\(labels)' has an empty name; give class names separated by commas")
        }
        try target.check(required: true, reference: reference)
    }

    private func labelList(_ text: String) -> [String] {
        text.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingCharacters(in: .whitespaces) }
    }

    func run() throws {
        try SurgeryText.reporting {
            let source = try SurgerySource(reference: reference, options: store)
            let config = source.config
            let result = try ModelSurgery.graft(
                config.surgeryDescription, head: try LayerSpec.parse(head), inFeatures: inFeatures,
                backboneShapes: config.tensorShapes, scheme: try InitScheme.parse(initScheme), seed: seed,
                freeze: try FreezeSpec.parse(freeze), labels: labels.map(labelList), prefix: prefix,
                parent: source.parentDigest)
            // A graft drops nothing: every parent tensor is carried, the head's are added.
            let derived = DerivedModel(keptTensors: config.tensors.map(\.name), newTensors: result.newTensors,
                                       model: result.description, metadata: config.metadata)
            let (summary, written) = try target.write(derived, from: source, codec: Codec(rawValue: codec) ?? .planes, level: 6)
            if target.json {
                let tensors: [JSONValue] = result.newTensors.map { t in
                    .object(["name": .string(t.name), "shape": .array(t.shape.map { .number(Double($0)) }), "init": .string(t.summary)])
                }
                try Output.printJSON(JSONValue.object([
                    "parent": .string(source.name), "parent_digest": .string(source.parentDigest),
                    "layers_kept": SurgeryText.array(result.keptLayers), "layers_new": SurgeryText.array(result.newLayers),
                    "tensors_kept": .number(Double(derived.keptTensors.count)), "tensors_new": .array(tensors),
                    "head_input": .array(result.headInput.map { .number(Double($0)) }), "head_input_source": .string(result.headInputSource),
                    "frozen_layers": .number(Double(result.description.frozenLayers)),
                    "init": .string(try InitScheme.parse(initScheme).description), "seed": seed <= 1 << 53 ? .number(Double(seed)) : .string(String(seed)),
                    "metadata_updates": SurgeryText.updates(result.metadataUpdates), "result": .object(written),
                ]))
                return
            }
            print("Grafted \(LayerSpec.text(try LayerSpec.parse(head))) onto \(source.label)"
                  + (config.layersAreInferred ? " (layers inferred from tensor names)" : ""))
            for line in result.reportLines { print(line) }
            print("tensors carried from the backbone: \(derived.keptTensors.count) (stored bytes reused)")
            print("wrote \(summary)")
        }
    }
}
