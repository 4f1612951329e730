import Foundation
import ZooFormat
import ZooModel

extension Store {
    /// Imports a `.zckpt` file (by its extension) or any file `TensorSource` reads (by its content:
    /// safetensors, a PyTorch checkpoint, a sharded checkpoint's `*.index.json`) as a new version
    /// `name:N`, tagged `tag` if given.
    ///
    /// safetensors: each tensor is encoded with `codec` at `level`, in the file's order, and its
    /// `__metadata__` is kept, so exporting back gives the same file. PyTorch checkpoints and shards
    /// go the same way, their tensors made contiguous; `key` picks a PyTorch checkpoint's dict of
    /// tensors (formats/pytorch-checkpoints.md, §5). `.zckpt`: the streams are
    /// carried as they are (no re-encoding; `codec` is ignored) with the file's model description.
    /// `architecture` is a full description to attach (its tensors must exist in the file with the
    /// shapes its layers need); without one, a file that carries no description gets a recognised
    /// architecture's (`ArchitectureRecognition`: torchvision/timm ResNets and MobileNets, runnable),
    /// else one inferred from its tensor names (formats/model-description.md, "Inferred layers"). `hfConfig` is a Hugging
    /// Face `config.json` carried in the metadata (`extra["hf_config"]`) so slicing can update it.
    /// Lineage: operation `import`, parameters `source` (file name, or `sourceName` when the file
    /// has a temporary name, as a pulled artifact's layer does), `sha256` (of the file), `format`;
    /// for PyTorch checkpoints also `key` and `stripped_prefix` when they apply.
    public func importFile(_ path: String, name: String, tag: String? = nil, codec: Codec = .planes, level: Int = 6,
                           architecture: ModelDescription? = nil, hfConfig: JSONValue? = nil,
                           key: String? = nil, sourceName: String? = nil) throws(StoreError) -> ImportResult {
        try ModelReference.validateName(name)
        if let tag { try ModelReference.validateTag(tag) }
        let source: MappedBlob
        do { source = try MappedBlob(path: path) } catch {
            throw StoreError(.invalidArgument, "cannot read \(path): \(error.message)")
        }
        let fileDigest = Digest(of: source.bytes)
        try source.checkUnchanged()
        let isCheckpoint = CheckpointFileFormat(path: path) == .zckpt
        let writer = try StoreWriter(store: self)
        var parameters: [String: JSONValue] = [
            "source": .string(sourceName ?? String(path.split(separator: "/").last ?? Substring(path))),
            "sha256": .string(fileDigest.hex),
            "format": .string(isCheckpoint ? "zckpt" : "safetensors"),
        ]
        var metadata: [String: String]?
        var model: ModelDescription
        do {
            if isCheckpoint {
                let reader = try CheckpointReader(path: path)
                try Store.checkArchitecture(architecture, shapes: Dictionary(reader.index.tensors.map { ($0.name, $0.shape) },
                                                                             uniquingKeysWith: { a, _ in a }), file: path)
                // A file changed underneath is reported as such, whatever failed first (reader.guarded).
                do {
                    for record in reader.index.tensors {
                        try writer.addEncoded(record: record, stream: try reader.stream(of: record))
                    }
                } catch {
                    try reader.checkUnchanged()
                    throw error
                }
                try reader.checkUnchanged()
                metadata = reader.index.metadata.isEmpty ? nil : reader.index.metadata
                if let architecture {
                    model = architecture
                } else if let json = reader.index.model {
                    model = try Store.description(from: json, file: path)
                    if let parent = model.lineage?.parent { parameters["original_parent"] = .string(parent) }
                } else {
                    model = LayerInference.infer(writer.tensors.map(TensorInfo.init))
                }
            } else {
                let file = try TensorSource(path: path, key: key)
                try Store.checkArchitecture(architecture, shapes: Dictionary(file.tensors.map { ($0.name, $0.shape) },
                                                                             uniquingKeysWith: { a, _ in a }), file: path)
                // A file changed underneath is reported as such, whatever failed first.
                do {
                    // Small tensors encode several at once; a PyTorch tensor that is not contiguous
                    // is copied out, so at most a batch's worth of bytes is held at a time.
                    var batch: [PendingTensor] = []
                    var held = 0
                    for (i, entry) in file.tensors.enumerated() {
                        let bytes = try file.bytes(of: i)
                        batch.append(PendingTensor(name: entry.name, dtype: entry.dtype, shape: entry.shape, bytes: bytes))
                        held += bytes.count
                        if held >= CheckpointWriter.batchBytes {
                            try writer.addTensors(batch, codec: codec, level: level)
                            batch.removeAll()
                            held = 0
                        }
                    }
                    try writer.addTensors(batch, codec: codec, level: level)
                } catch {
                    try file.checkUnchanged()
                    throw error
                }
                try file.checkUnchanged()
                parameters["format"] = .string(file.format.rawValue)
                if let key = file.tensorKey { parameters["key"] = .string(key) }
                if let prefix = file.strippedPrefix { parameters["stripped_prefix"] = .string(prefix) }
                parameters["codec"] = .string(codec.rawValue)
                parameters["level"] = .number(Double(level))
                metadata = file.metadataMap
                model = architecture ?? LayerInference.infer(writer.tensors.map(TensorInfo.init))
            }
        } catch let error as StoreError {
            throw error
        } catch let error as FormatError {
            // Readers name the file themselves; say it once.
            throw StoreError(.format, error.message.hasPrefix(path + ": ") ? error.message : "\(path): \(error.message)")
        } catch {
            throw StoreError(.format, "\(path): \(error)")
        }
        // Neither --arch nor the file described the model: a known architecture gets its runnable description.
        var recognition = ArchitectureMatch.unknown
        if architecture == nil, model.layers.allSatisfy({ $0.op == .inferredBlock }) {
            recognition = ArchitectureRecognition.recognise(writer.tensors.map(TensorInfo.init))
            if var recognised = recognition.description {
                recognised.metadata.merge(model.metadata)
                model = recognised
            }
        }
        if let hfConfig {
            var extra = model.metadata.extra ?? [:]
            extra["hf_config"] = hfConfig
            model.metadata.extra = extra
        }
        if model.metadata.source == nil { model.metadata.source = parameters["source"]?.stringValue }
        model.lineage = LineageRecord(parent: nil, operation: "import", parameters: parameters)
        let version = try writer.commit(name: name, tag: tag, metadata: metadata, model: model)
        var result = ImportResult(version: version, newBlobBytes: writer.newBlobBytes, reusedBlobBytes: writer.reusedBlobBytes)
        result.architecture = model.metadata.architecture
        if case .notRecognised = recognition { result.notRecognisedBecause = recognition.summary }
        return result
    }

    /// Refuses a description whose layers name tensors the file lacks or need other shapes.
    static func checkArchitecture(_ model: ModelDescription?, shapes: [String: [Int]], file: String) throws(StoreError) {
        guard let model else { return }
        var problems: [String] = []
        for layer in model.layers {
            for (role, tensor) in layer.tensors.sorted(by: { $0.key < $1.key }) where shapes[tensor] == nil {
                problems.append("layer '\(layer.name)' needs tensor '\(tensor)' (\(role)), which \(file) does not hold")
            }
        }
        if problems.isEmpty, model.layers.allSatisfy({ $0.op != .inferredBlock }) {
            problems = model.runnability(tensors: shapes).reasons
        }
        guard problems.isEmpty else {
            throw StoreError(.invalidArgument, "the description given with --arch does not fit \(file): "
                             + problems.prefix(5).joined(separator: "; ") + "; fix the description (formats/model-description.md)")
        }
    }

    /// A `ModelDescription` from the JSON a `.zckpt` index carries.
    static func description(from json: JSONValue, file: String) throws(StoreError) -> ModelDescription {
        do {
            let data = try JSONEncoder().encode(json)
            return try JSONDecoder().decode(ModelDescription.self, from: data)
        } catch {
            throw StoreError(.format, "\(file): its model description is not valid: \(StoreIndex.describe(error))")
        }
    }

    /// The JSON form of a description, as a `.zckpt` index carries it.
    static func json(of model: ModelDescription) throws(StoreError) -> JSONValue {
        do {
            let data = try JSONEncoder().encode(model)
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw StoreError(.invalidArgument, "cannot encode the model description: \(error)")
        }
    }
}
