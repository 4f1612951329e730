import Foundation

/// The index as JSON (formats/zckpt-v1.md, §3 "The index"): exact key names, compact UTF-8, keys sorted.
extension CheckpointIndex {
    /// The index encoded as the spec's JSON document.
    public func jsonBytes() throws(FormatError) -> [UInt8] {
        let document = IndexDocument(
            tensors: tensors.map(IndexDocument.Tensor.init),
            metadata: metadata,
            model: model)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(document))
        } catch {
            throw FormatError(.invalidArgument, "the index cannot be written as JSON: \(error); a number in the model description may be NaN or infinite")
        }
    }

    /// Decodes and validates an index (everything but file offsets, which `CheckpointReader` checks).
    /// Unknown keys are ignored, as the version policy asks of newer minor versions.
    public init(jsonBytes: UnsafeRawBufferPointer) throws(FormatError) {
        guard jsonBytes.count <= FormatLimits.maxIndexBytes else {
            throw FormatError(.limitExceeded, "the index is \(jsonBytes.count) bytes; the limit is \(FormatLimits.maxIndexBytes)")
        }
        let document: IndexDocument
        do {
            document = try JSONDecoder().decode(IndexDocument.self, from: Data(jsonBytes))
        } catch let error as FormatError {
            throw error
        } catch {
            throw FormatError(.malformed, "the index is not valid format-1 JSON (\(Self.describe(error))); the file is corrupt or was not written by a .zckpt writer")
        }
        guard document.tensors.count <= FormatLimits.maxTensors else {
            throw FormatError(.limitExceeded, "the index lists \(document.tensors.count) tensors; the limit is \(FormatLimits.maxTensors)")
        }
        var records: [TensorRecord] = []
        records.reserveCapacity(document.tensors.count)
        for entry in document.tensors { records.append(try entry.record()) }
        self.init(tensors: records, metadata: document.metadata, model: document.model == .null ? nil : document.model)
        try validate()
    }

    /// Validates counts, names, metadata and every record against the spec's limits.
    public func validate() throws(FormatError) {
        guard tensors.count <= FormatLimits.maxTensors else {
            throw FormatError(.limitExceeded, "\(tensors.count) tensors; the limit is \(FormatLimits.maxTensors)")
        }
        guard metadata.count <= FormatLimits.maxMetadataEntries else {
            throw FormatError(.limitExceeded, "the metadata has \(metadata.count) entries; the limit is \(FormatLimits.maxMetadataEntries)")
        }
        for key in metadata.keys where key.utf8.count > FormatLimits.maxMetadataKeyBytes {
            throw FormatError(.limitExceeded, "a metadata key is \(key.utf8.count) bytes; the limit is \(FormatLimits.maxMetadataKeyBytes)")
        }
        var names = Set<String>()
        names.reserveCapacity(tensors.count)
        for record in tensors {
            try record.validate()
            guard names.insert(record.name).inserted else {
                throw FormatError(.malformed, "the tensor name '\(record.name)' appears twice; names must be unique")
            }
        }
    }

    private static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing key '\(key.stringValue)' at \(path(context))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "wrong type at \(path(context)): \(context.debugDescription)"
        case DecodingError.dataCorrupted(let context):
            return "\(context.debugDescription) at \(path(context))"
        default:
            return "\(error)"
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.isEmpty ? "the top" : context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}

/// The index document exactly as the spec spells it.
private struct IndexDocument: Codable {
    var tensors: [Tensor]
    var metadata: [String: String]
    var model: JSONValue?

    struct Tensor: Codable {
        var name: String
        var dtype: String
        var shape: [Int]
        var codec: String
        var offset: UInt64?
        var rawBytes: UInt64
        var storedBytes: UInt64
        var sha256: String
        /// Each chunk as `[offset, stored_length, raw_length, crc32]`.
        var chunks: [ChunkEntry]

        enum CodingKeys: String, CodingKey {
            case name, dtype, shape, codec, offset, sha256, chunks
            case rawBytes = "raw_bytes"
            case storedBytes = "stored_bytes"
        }

        init(_ record: TensorRecord) {
            name = record.name
            dtype = record.dtype.rawValue
            shape = record.shape
            codec = record.codec.rawValue
            offset = record.offset
            rawBytes = record.rawBytes
            storedBytes = record.storedBytes
            sha256 = record.sha256
            chunks = record.chunks.map { ChunkEntry(fields: [$0.offset, $0.storedLength, $0.rawLength, UInt64($0.crc32)]) }
        }

        func record() throws(FormatError) -> TensorRecord {
            guard let type = DType(rawValue: dtype) else {
                throw FormatError(.malformed, "tensor '\(name)' has unknown dtype '\(dtype)'; known: \(DType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let kind = Codec(rawValue: codec) else {
                throw FormatError(.malformed, "tensor '\(name)' has unknown codec '\(codec)'; known: \(Codec.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            var table: [ChunkRecord] = []
            table.reserveCapacity(chunks.count)
            for (i, chunk) in chunks.enumerated() {
                let entry = chunk.fields
                guard entry.count == 4, let crc = UInt32(exactly: entry[3]) else {
                    throw FormatError(.malformed, "tensor '\(name)' chunk \(i) must be [offset, stored_length, raw_length, crc32] with a 32-bit CRC")
                }
                table.append(ChunkRecord(offset: entry[0], storedLength: entry[1], rawLength: entry[2], crc32: crc))
            }
            return TensorRecord(name: name, dtype: type, shape: shape, codec: kind, rawBytes: rawBytes,
                                storedBytes: storedBytes, sha256: sha256, chunks: table, offset: offset)
        }
    }
}

/// One chunk-table entry: an array whose first four elements are integers; newer minor versions may
/// append elements of any type, which are skipped (spec §3 "The index" and §8 "Version policy").
private struct ChunkEntry: Codable {
    var fields: [UInt64]

    init(fields: [UInt64]) { self.fields = fields }

    init(from decoder: Decoder) throws {
        var container = try decoder.unkeyedContainer()
        var fields: [UInt64] = []
        while !container.isAtEnd, fields.count < 4 { fields.append(try container.decode(UInt64.self)) }
        while !container.isAtEnd { _ = try container.decode(JSONValue.self) }
        self.fields = fields
    }

    func encode(to encoder: Encoder) throws {
        var container = encoder.unkeyedContainer()
        for field in fields { try container.encode(field) }
    }
}
