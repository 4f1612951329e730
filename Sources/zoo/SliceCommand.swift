import ArgumentParser
import ZooFormat
import ZooModel
import ZooRegistry

/// `zoo slice REF (--keep N | --until LAYER) (--as NAME[:TAG] | -o FILE)`: keeps a version's first
/// layers (a backbone), carrying their tensors' encoded bytes unchanged.
struct SliceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slice",
        abstract: "Keep a model's first layers (a backbone) as a new version or file.",
        discussion: """
        Kept tensors are carried as their stored bytes: in the store the new version reuses the \
        parent's blobs, so a slice costs no tensor bytes. Models imported without a description are \
        sliced by the layers inferred from their tensor names (stem, numbered blocks, head). Metadata \
        that depends on depth (a carried config.json's num_hidden_layers, the labels of a dropped \
        head) is updated, or a warning says it could not be. The lineage records the parent and --keep/--until.

        \(Output.exitCodeHelp)
        """)

    @Argument(help: ArgumentHelp("The version (name, name:N, name:tag, name@sha256:hex) or a .zckpt/.safetensors file.", valueName: "ref"))
    var reference: String

    // `.unconditional`: `--keep -2` is a value, not an unknown flag.
    @Option(parsing: .unconditional, help: ArgumentHelp("Keep the first N layers; a negative N drops -N layers from the end.", valueName: "n"))
    var keep: Int?

    @Option(help: ArgumentHelp("Keep every layer up to and including LAYER.", valueName: "layer"))
    var until: String?

    @Flag(help: "Print what would be kept and dropped; write nothing.")
    var dryRun = false

    @OptionGroup var target: SurgeryOptions

    @OptionGroup var store: StoreOptions

    func validate() throws {
        if !SurgerySource.isFile(reference) { try StoreText.reference(reference) }
        switch (keep, until) {
        case (nil, nil): throw ValidationError("say what to keep: --keep N (the first N layers) or --until LAYER")
        case (_?, _?): throw ValidationError("give either --keep N or --until LAYER, not both")
        default: break
        }
        if keep == 0 { throw ValidationError("--keep 0 would keep nothing; give 1 or more, or a negative number to drop layers from the end") }
        try target.check(required: !dryRun, reference: reference)
    }

    func run() throws {
        try SurgeryText.reporting {
            let source = try SurgerySource(reference: reference, options: store)
            let config = source.config
            let model = config.surgeryDescription
            let parent = source.parentDigest
            let result: SliceResult
            if let keep {
                result = try ModelSurgery.slice(model, keep: keep, parent: parent)
            } else {
                result = try ModelSurgery.slice(model, until: until ?? "", parent: parent)
            }
            // Tensors no layer lists are not carried; say so rather than lose them silently.
            let listed = Set(result.keptTensors).union(result.droppedTensors)
            var unlisted = config.tensors.map(\.name).filter { !listed.contains($0) }
            var warnings = result.warnings
            // PyTorch's batch-norm counters, which recognised architectures leave out of their layers
            // (zoo does not use them; PyTorch's load_state_dict fills them in), get one short note.
            let counters = unlisted.filter { $0.hasSuffix(".num_batches_tracked") && listed.contains(String($0.dropLast(20)) + ".running_mean") }
            if !counters.isEmpty {
                let counterSet = Set(counters)
                unlisted.removeAll { counterSet.contains($0) }
                warnings.append("\(counters.count) batch-norm num_batches_tracked \(counters.count == 1 ? "counter is" : "counters are") not carried (PyTorch's, unused by zoo)")
            }
            if !unlisted.isEmpty {
                warnings.append("\(unlisted.count) \(unlisted.count == 1 ? "tensor belongs" : "tensors belong") to no layer of the description and \(unlisted.count == 1 ? "is" : "are") not carried: \(SurgeryText.names(unlisted, limit: 4))")
            }
            let records = Dictionary(config.tensors.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
            let keptBytes = result.keptTensors.reduce(UInt64(0)) { $0 + (records[$1]?.storedBytes ?? 0) }
            let droppedBytes = result.droppedTensors.reduce(UInt64(0)) { $0 + (records[$1]?.storedBytes ?? 0) }

            var report: [String: JSONValue] = [
                "parent": .string(source.name), "parent_digest": .string(parent),
                "inferred_layers": .bool(config.layersAreInferred),
                "kept_layers": SurgeryText.array(result.keptLayers), "dropped_layers": SurgeryText.array(result.droppedLayers),
                "kept_tensors": SurgeryText.array(result.keptTensors), "dropped_tensors": SurgeryText.array(result.droppedTensors),
                "kept_stored_bytes": .number(Double(keptBytes)), "dropped_stored_bytes": .number(Double(droppedBytes)),
                "metadata_updates": SurgeryText.updates(result.metadataUpdates), "warnings": SurgeryText.array(warnings),
                "dry_run": .bool(dryRun),
            ]
            var written: String?
            if !dryRun {
                let derived = DerivedModel(keptTensors: result.keptTensors, model: result.description, metadata: config.metadata)
                let (summary, json) = try target.write(derived, from: source, codec: .planes, level: 6)
                written = summary
                report["result"] = .object(json)
            }
            if target.json { try Output.printJSON(JSONValue.object(report)); return }

            let inferred = config.layersAreInferred ? " (layers inferred from tensor names)" : ""
            print("\(dryRun ? "Would slice" : "Sliced") \(source.label)\(inferred)")
            print("layers kept (\(result.keptLayers.count)): \(SurgeryText.names(result.keptLayers))")
            print("layers dropped (\(result.droppedLayers.count)): \(SurgeryText.names(result.droppedLayers))")
            print("tensors kept (\(result.keptTensors.count), \(Output.bytes(keptBytes)) stored): \(SurgeryText.names(result.keptTensors, limit: 6))")
            print("tensors dropped (\(result.droppedTensors.count), \(Output.bytes(droppedBytes)) stored): \(SurgeryText.names(result.droppedTensors, limit: 6))")
            for u in result.metadataUpdates { print("metadata: \(u)") }
            for w in warnings { Output.warn("warning: \(w)") }
            if let written { print("wrote \(written)") } else { print("dry run: nothing written") }
        }
    }
}
