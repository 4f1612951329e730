import ArgumentParser
import Foundation
import ZooFormat
import ZooModel
import ZooRegistry

/// `zoo inspect REF` for a store reference: what `inspect FILE` shows, plus layers, metadata,
/// lineage and tags. Reads `index.json`, the manifest and the config, never a tensor blob.
/// The `inspect` command calls `run` when its argument is not an existing file.
enum StoreInspection {
    /// The JSON form of `inspect REF --json`.
    struct Report: Encodable {
        var version: ModelVersion
        var tensors: [TensorRecord]?
        var metadata: [String: String]?
        /// The whole description, blocks with every node.
        var model: ModelDescription
        var runnable: Bool
        var notRunnableBecause: String?
        /// The recognised architecture (the description's `metadata.architecture`).
        var architecture: String?
        /// For a model of inferred layers whose tensors look like a known family: why it is not one.
        var notRecognisedBecause: String?
        var children: [String]
        /// The layer table: each layer's op (a block's summary), shapes at the recorded input size, parameters.
        var layers: [LayerRow]

        enum CodingKeys: String, CodingKey {
            case version, tensors, metadata, model, runnable, children, layers, architecture
            case notRunnableBecause = "not_runnable_because"
            case notRecognisedBecause = "not_recognised_because"
        }
    }

    /// One row of the layer table in `--json`.
    struct LayerRow: Encodable {
        var index: Int
        var name: String
        var op: String
        var nodes: Int?
        var tensors: Int
        var parameters: Int?
        var inputShape: [Int]?
        var outputShape: [Int]?
        var trainable: Bool

        enum CodingKeys: String, CodingKey {
            case index, name, op, nodes, tensors, parameters, trainable
            case inputShape = "input_shape", outputShape = "output_shape"
        }
    }

    /// Prints the version `reference` names in `store`.
    static func run(reference: String, store options: StoreOptions, tensors: Bool, json: Bool) throws {
        try StoreText.reporting { try inspect(reference: reference, store: options, tensors: tensors, json: json) }
    }

    private static func inspect(reference: String, store options: StoreOptions, tensors: Bool, json: Bool) throws {
        let store = try options.open()
        let (version, _, config) = try store.load(try ModelReference(parsing: reference))
        let children = try store.list().filter { $0.parent == version.digest }.map(\.reference)
        let shapes = Dictionary(config.tensors.map { ($0.name, $0.shape) }, uniquingKeysWith: { a, _ in a })
        let why = notRunnableReason(config.model, shapes: shapes)
        let notRecognised = notRecognisedReason(config.model, tensors: config.tensors.map(TensorInfo.init))
        let summaries = config.model.layerSummaries(shapes: shapes)
        if json {
            let rows = zip(summaries, config.model.layers).map { row, layer in
                var nodes: Int?
                if case .block(let b) = layer.op { nodes = b.nodes.count }
                return LayerRow(index: row.index, name: row.name, op: row.op, nodes: nodes, tensors: row.tensors.count,
                                parameters: row.parameters, inputShape: row.inputShape, outputShape: row.outputShape, trainable: row.trainable)
            }
            try Output.printJSON(Report(version: version, tensors: tensors ? config.tensors : nil, metadata: config.metadata,
                                        model: config.model, runnable: why == nil, notRunnableBecause: why,
                                        architecture: config.model.metadata.architecture, notRecognisedBecause: notRecognised,
                                        children: children, layers: rows))
            return
        }
        print("\(version.reference)  \(version.digest)")
        if !version.tags.isEmpty { print("tags:       \(version.tags.joined(separator: ", "))") }
        print("created:    \(version.created)")
        print("parameters: \(Output.count(version.parameters)) in \(version.tensorCount) tensors")
        print("size:       \(Output.bytes(version.rawBytes)) raw, \(Output.bytes(version.storedBytes)) stored "
              + "(\(Output.percent(version.storedBytes, of: version.rawBytes)))")
        let codecs = Dictionary(grouping: config.tensors, by: \.codec).map { "\($0.key.rawValue) \($0.value.count)" }.sorted()
        let dtypes = Dictionary(grouping: config.tensors, by: \.dtype).map { "\($0.key.rawValue) \($0.value.count)" }.sorted()
        print("codecs:     \(codecs.joined(separator: ", "))")
        print("dtypes:     \(dtypes.joined(separator: ", "))")
        if let lineage = config.model.lineage {
            var line = "lineage:    \(lineage.operation)"
            if !lineage.parameters.isEmpty { line += " " + parameters(lineage.parameters) }
            if let parent = lineage.parent {
                let all = try store.list()
                line += "; parent \((try? Digest(parsing: parent)).map { StoreText.parent($0, among: all) } ?? parent)"
            }
            print(line)
        }
        if !children.isEmpty { print("children:   \(children.joined(separator: ", "))") }
        let m = config.model.metadata
        for (key, value) in [("task", m.task), ("license", m.license), ("source", m.source), ("notes", m.notes)] {
            if let value { print("\((key + ":").padding(toLength: 12, withPad: " ", startingAt: 0))\(value)") }
        }
        if let a = m.architecture ?? notRecognised { print("arch:       \(a)") }
        if let input = config.model.input { print("input:      \(input.map(String.init).joined(separator: "x"))") }
        if let labels = m.labels { print("labels:     \(labels.count > 12 ? "\(labels.count) (\(labels.prefix(3).joined(separator: ", ")), ...)" : labels.joined(separator: ", "))") }
        if let metadata = config.metadata, !metadata.isEmpty {
            print("metadata:   " + metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))
        }
        print(why.map { "runnable:   no, \($0)" } ?? "runnable:   yes")
        if !config.model.layers.isEmpty {
            print("")
            var table = Table(["#", "LAYER", "OP", "TENSORS", "PARAMS", "OUTPUT", "TRAINABLE"],
                              alignments: [.right, .left, .left, .right, .right, .left, .left])
            for row in summaries {
                table.add([String(row.index), row.name, row.op, String(row.tensors.count),
                           row.parameters.map(Output.count) ?? "-",
                           row.outputShape.map { $0.map(String.init).joined(separator: "x") } ?? "-",
                           row.trainable ? "yes" : "no (frozen)"])
            }
            print(table.render())
        }
        if tensors {
            print("")
            var table = Table(["TENSOR", "DTYPE", "SHAPE", "CODEC", "RAW", "STORED", "RATIO"],
                              alignments: [.left, .left, .left, .left, .right, .right, .right])
            for t in config.tensors {
                table.add([t.name, t.dtype.rawValue, "[" + t.shape.map(String.init).joined(separator: ", ") + "]", t.codec.rawValue,
                           Output.bytes(t.rawBytes), Output.bytes(t.storedBytes), Output.percent(t.storedBytes, of: t.rawBytes)])
            }
            print(table.render())
        }
    }

    /// Why the trainer cannot run this model, or nil when it can (ZooModel's runnability check
    /// against the stored tensors' shapes).
    static func notRunnableReason(_ model: ModelDescription, shapes: [String: [Int]]) -> String? {
        let reasons = model.runnability(tensors: shapes).reasons
        return reasons.isEmpty ? nil : reasons.joined(separator: "; ")
    }

    /// For a model whose layers are all inferred (imported without a description): why its tensors
    /// are not the known architecture they resemble, or nil when they resemble none.
    static func notRecognisedReason(_ model: ModelDescription, tensors: [TensorInfo]) -> String? {
        guard !model.layers.isEmpty, model.layers.allSatisfy({ $0.op == .inferredBlock }) else { return nil }
        let match = ArchitectureRecognition.recognise(tensors)
        switch match {
        case .notRecognised: return match.summary
        case .recognised(let name, _):
            // Imported before zoo knew the architecture.
            return "the tensors are \(name)'s, but this version was imported without its description; import the file again to get it"
        case .unknown: return nil
        }
    }

    /// Operation parameters on one line, for people (`--json` shows them whole).
    static func parameters(_ p: [String: JSONValue]) -> String {
        p.sorted { $0.key < $1.key }.map { "\($0.key)=\(text($0.value))" }.joined(separator: " ")
    }

    private static func text(_ v: JSONValue) -> String {
        switch v {
        case .null: return "null"
        case .bool(let b): return String(b)
        case .number: return v.intValue.map(String.init) ?? String(v.doubleValue ?? 0)
        case .string(let s): return s
        // Long lists (a training history) would swamp the line: people get the count, --json the values.
        case .array(let a) where a.count > 8 || a.contains(where: { $0.objectValue != nil }):
            return "[\(a.count) items]"
        case .array(let a): return "[" + a.map(text).joined(separator: ",") + "]"
        case .object(let o): return "{" + o.sorted { $0.key < $1.key }.map { "\($0.key):\(text($0.value))" }.joined(separator: ",") + "}"
        }
    }
}
