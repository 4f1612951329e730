import ZooFormat
import ZooModel

/// What `zoo inspect` shows about a checkpoint file, read from its header or index alone (tensor
/// data is never touched, so inspecting a large file is as fast as a small one).
struct FileInspection: Encodable {
    /// One tensor's row.
    struct Tensor: Encodable {
        var name: String
        var dtype: String
        var shape: [Int]
        var codec: String
        var rawBytes: UInt64
        var storedBytes: UInt64
        var chunks: Int

        enum CodingKeys: String, CodingKey {
            case name, dtype, shape, codec, chunks
            case rawBytes = "raw_bytes"
            case storedBytes = "stored_bytes"
        }
    }

    var path: String
    var format: String
    /// `major.minor` for `.zckpt`; nil for safetensors, which has no version field.
    var formatVersion: String?
    var fileBytes: UInt64
    var parameters: Int
    var rawBytes: UInt64
    var storedBytes: UInt64
    var metadata: [String: String]
    var hasModelDescription: Bool
    var tensors: [Tensor]
    /// The architecture: the carried description's, else recognised from the tensors
    /// (`ArchitectureRecognition`); nil when neither knows it.
    var architecture: String?
    /// Why the tensors are not a known architecture when they look like one (closest candidate, first difference).
    var notRecognisedBecause: String?
    /// PyTorch checkpoints: the key the tensors were found under, the prefix removed from their
    /// names, and what is not imported; sharded checkpoints: the shard files. Nil otherwise (and
    /// then left out of the JSON).
    var tensorKey: String?
    var strippedPrefix: String?
    var entries: [PyTorchCheckpoint.Entry]?
    var shards: [String]?

    enum CodingKeys: String, CodingKey {
        case path, format, parameters, metadata, tensors, architecture
        case notRecognisedBecause = "not_recognised_because"
        case formatVersion = "format_version"
        case fileBytes = "file_bytes"
        case rawBytes = "raw_bytes"
        case storedBytes = "stored_bytes"
        case tensorCount = "tensor_count"
        case ratio
        case hasModelDescription = "has_model_description"
        case tensorKey = "tensor_key"
        case strippedPrefix = "stripped_prefix"
        case entries = "not_imported"
        case shards
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(format, forKey: .format)
        try c.encode(formatVersion, forKey: .formatVersion)
        try c.encode(fileBytes, forKey: .fileBytes)
        try c.encode(tensors.count, forKey: .tensorCount)
        try c.encode(parameters, forKey: .parameters)
        try c.encode(rawBytes, forKey: .rawBytes)
        try c.encode(storedBytes, forKey: .storedBytes)
        try c.encode(rawBytes == 0 ? 1 : Double(storedBytes) / Double(rawBytes), forKey: .ratio)
        try c.encode(metadata, forKey: .metadata)
        try c.encode(hasModelDescription, forKey: .hasModelDescription)
        try c.encode(architecture, forKey: .architecture)
        try c.encodeIfPresent(notRecognisedBecause, forKey: .notRecognisedBecause)
        try c.encode(tensors, forKey: .tensors)
        try c.encodeIfPresent(tensorKey, forKey: .tensorKey)
        try c.encodeIfPresent(strippedPrefix, forKey: .strippedPrefix)
        try c.encodeIfPresent(entries, forKey: .entries)
        try c.encodeIfPresent(shards, forKey: .shards)
    }

    /// Reads `path`'s header or index; the format comes from the extension (`.zckpt`,
    /// `.safetensors`), else from the content (`TensorSource`: PyTorch checkpoints, shard indexes).
    /// `key` picks a PyTorch checkpoint's dict of tensors.
    init(path: String, key: String? = nil) throws(FormatError) {
        self.path = path
        let named = CheckpointFileFormat(path: path)
        if let named, key != nil {
            throw FormatError(.invalidArgument, "--key applies to PyTorch checkpoints; \(path) is a .\(named.fileExtension) file")
        }
        switch named {
        case nil:
            let source = try TensorSource(path: path, key: key)
            format = source.format.rawValue
            formatVersion = source.containerVersion
            fileBytes = source.fileBytes
            metadata = source.metadataMap ?? [:]
            hasModelDescription = false
            tensors = source.tensors.map {
                Tensor(name: $0.name, dtype: $0.dtype.rawValue, shape: $0.shape, codec: Codec.raw.rawValue,
                       rawBytes: UInt64($0.byteCount), storedBytes: UInt64($0.byteCount), chunks: 0)
            }
            parameters = source.tensors.reduce(0) { $0 + $1.elementCount }
            tensorKey = source.tensorKey
            strippedPrefix = source.strippedPrefix
            if source.format == .pytorchZip || source.format == .pytorchLegacy { entries = source.entries }
            if source.format == .sharded { shards = source.shards }
        case .safetensors?:
            let file = try SafetensorsFile(path: path)
            format = "safetensors"
            formatVersion = nil
            fileBytes = UInt64(file.fileSize)
            metadata = file.metadata ?? [:]
            hasModelDescription = false
            tensors = file.tensors.map {
                Tensor(name: $0.name, dtype: $0.dtype.rawValue, shape: $0.shape, codec: Codec.raw.rawValue,
                       rawBytes: UInt64($0.dataOffsets.count), storedBytes: UInt64($0.dataOffsets.count), chunks: 0)
            }
            parameters = file.tensors.reduce(0) { $0 + $1.elementCount }
        case .zckpt?:
            let reader = try CheckpointReader(path: path)
            let index = reader.index
            format = "zckpt"
            formatVersion = reader.version.description
            fileBytes = reader.fileSize
            metadata = index.metadata
            hasModelDescription = index.model != nil
            architecture = index.model?.objectValue?["metadata"]?.objectValue?["architecture"]?.stringValue
            tensors = index.tensors.map {
                Tensor(name: $0.name, dtype: $0.dtype.rawValue, shape: $0.shape, codec: $0.codec.rawValue,
                       rawBytes: $0.rawBytes, storedBytes: $0.storedBytes, chunks: $0.chunks.count)
            }
            parameters = index.parameterCount
        }
        rawBytes = tensors.reduce(0) { $0 + $1.rawBytes }
        storedBytes = tensors.reduce(0) { $0 + $1.storedBytes }
        if !hasModelDescription {
            let match = ArchitectureRecognition.recognise(tensors.map {
                TensorInfo(name: $0.name, dtype: DType(rawValue: $0.dtype) ?? .f32, shape: $0.shape)
            })
            architecture = match.architecture
            if case .notRecognised = match { notRecognisedBecause = match.summary }
        }
    }

    /// The summary people read.
    func summary() -> String {
        var lines = [
            "file        \(path)",
            "format      \(format)\(formatVersion.map { " \($0)" } ?? "")",
            "tensors     \(tensors.count)",
            "parameters  \(Output.count(parameters)) (\(parameters))",
            "raw         \(Output.bytes(rawBytes))",
            "stored      \(Output.bytes(storedBytes)) (\(Output.percent(storedBytes, of: rawBytes)) of raw)",
            "file size   \(Output.bytes(fileBytes))",
        ]
        let dtypes = Dictionary(grouping: tensors, by: \.dtype).map { "\($0.key) \($0.value.count)" }.sorted()
        if !dtypes.isEmpty { lines.append("dtypes      \(dtypes.joined(separator: ", "))") }
        let codecs = Dictionary(grouping: tensors, by: \.codec).map { "\($0.key) \($0.value.count)" }.sorted()
        if !codecs.isEmpty { lines.append("codecs      \(codecs.joined(separator: ", "))") }
        if let a = architecture ?? notRecognisedBecause { lines.append("architecture \(a)") }
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            lines.append("metadata    \(key) = \(value)")
        }
        if let shards { lines.append("shards      \(shards.count): \(shards.prefix(3).joined(separator: ", "))\(shards.count > 3 ? ", ..." : "")") }
        if entries != nil { lines.append("tensors at  \(tensorKey.map { "'\($0)'" } ?? "the top level")") }
        if let strippedPrefix { lines.append("names       '\(strippedPrefix)' removed from every tensor name") }
        if let entries, !entries.isEmpty {
            lines.append("not imported (\(entries.count)):")
            let shown = 20
            for entry in entries.prefix(shown) {
                lines.append("  \(entry.path)  \(entry.kind)  \(entry.summary)")
            }
            if entries.count > shown { lines.append("  ... \(entries.count - shown) more (--json lists all)") }
        }
        return lines.joined(separator: "\n")
    }

    /// The per-tensor table (`--tensors`).
    func tensorTable() -> String {
        var table = Table(["name", "dtype", "shape", "codec", "raw", "stored", "ratio"],
                          alignments: [.left, .left, .left, .left, .right, .right, .right])
        for t in tensors {
            table.add([t.name, t.dtype, "[" + t.shape.map(String.init).joined(separator: ", ") + "]", t.codec,
                       Output.bytes(t.rawBytes), Output.bytes(t.storedBytes), Output.percent(t.storedBytes, of: t.rawBytes)])
        }
        return table.render()
    }
}
