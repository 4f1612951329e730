/// A safetensors header: tensors in data order and the optional `__metadata__` map in header order.
///
/// `parse` distrusts its input as huggingface/safetensors' `Metadata::validate` does: size cap,
/// UTF-8, a JSON object, known dtypes, offsets contiguous from 0 with no gap or overlap that end
/// exactly at the data section's end, and shape × width equal to each byte count, with every
/// multiplication checked. `serialized()` writes the canonical layout of the official writer
/// (Rust `serde_json`, compact), so a file that writer made round-trips byte for byte.
public struct SafetensorsHeader: Sendable, Equatable {
    /// The reference implementation refuses headers larger than this (100 MB).
    public static let maxHeaderSize = 100_000_000
    /// The reserved header key that holds the string-to-string metadata.
    public static let metadataKey = "__metadata__"
    /// safetensors dtype names that zoo recognises but cannot store yet (a clearer error than "unknown").
    static let unsupportedDTypes: Set<String> = ["U16", "U32", "U64", "C64", "F4", "F6_E2M3", "F6_E3M2", "F8_E8M0"]

    /// Tensors sorted by their data offsets (the order of their bytes in the file).
    public var tensors: [SafetensorsEntry]
    /// `__metadata__` pairs in header order; nil when the header has no `__metadata__` (or `null`).
    public var metadata: [(key: String, value: String)]?

    /// A header from its parts; `tensors` must already be laid out (see `layout`).
    public init(tensors: [SafetensorsEntry], metadata: [(key: String, value: String)]?) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The metadata as a dictionary (nil when absent).
    public var metadataMap: [String: String]? {
        metadata.map { Dictionary($0.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last }) }
    }

    /// Sum of the tensors' byte counts: the data section's length.
    public var dataLength: Int { tensors.last?.dataOffsets.upperBound ?? 0 }

    /// Same tensors and the same metadata pairs in the same order.
    public static func == (a: SafetensorsHeader, b: SafetensorsHeader) -> Bool {
        guard a.tensors == b.tensors else { return false }
        switch (a.metadata, b.metadata) {
        case (nil, nil): return true
        case let (x?, y?): return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    // MARK: Parsing

    /// Parses and validates `bytes` (the header without its 8-byte length) for a data section of
    /// `dataLength` bytes.
    public static func parse(_ bytes: UnsafeRawBufferPointer, dataLength: Int) throws(FormatError) -> SafetensorsHeader {
        guard bytes.count <= maxHeaderSize else {
            throw FormatError(.limitExceeded, "the header is \(bytes.count) bytes, over the \(maxHeaderSize)-byte limit of the safetensors reference reader; the file is corrupt or not a safetensors file")
        }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw FormatError(.malformed, "the header is not valid UTF-8; the file is corrupt or not a safetensors file")
        }
        guard case .object(let members) = try HeaderJSON.parse(bytes) else {
            throw FormatError(.malformed, "the header is not a JSON object; the file is corrupt or not a safetensors file")
        }
        var metadata: [(key: String, value: String)]?
        var sawMetadata = false
        var entries: [SafetensorsEntry] = []
        var names = Set<String>()
        for (key, value) in members {
            if key == metadataKey {
                guard !sawMetadata else {
                    throw FormatError(.malformed, "the header has `\(metadataKey)` twice; the file is corrupt")
                }
                sawMetadata = true
                metadata = try parseMetadata(value)
                continue
            }
            guard names.insert(key).inserted else {
                throw FormatError(.malformed, "the header lists tensor '\(key)' twice; the file is corrupt (a reader could not tell which entry is meant)")
            }
            entries.append(try parseEntry(name: key, value))
        }
        // Data order, as the reference reader sorts it: the header's member order need not match.
        entries.sort { ($0.dataOffsets.lowerBound, $0.dataOffsets.upperBound) < ($1.dataOffsets.lowerBound, $1.dataOffsets.upperBound) }
        var end = 0
        for entry in entries {
            guard entry.dataOffsets.lowerBound == end else {
                let problem = entry.dataOffsets.lowerBound > end ? "leaves a gap of \(entry.dataOffsets.lowerBound - end) bytes after" : "overlaps"
                throw FormatError(.malformed, "tensor '\(entry.name)' starts at data offset \(entry.dataOffsets.lowerBound), which \(problem) the bytes before it (they end at \(end)); the file is corrupt")
            }
            end = entry.dataOffsets.upperBound
            let byteCount = try checkedByteCount(entry)
            guard entry.dataOffsets.count == byteCount else {
                throw FormatError(.malformed, "tensor '\(entry.name)' has shape \(entry.shape) of \(entry.dtype.rawValue), which is \(byteCount) bytes, but its data_offsets span \(entry.dataOffsets.count) bytes; the file is corrupt")
            }
        }
        guard end == dataLength else {
            throw FormatError(end < dataLength ? .malformed : .truncated,
                              "the tensors cover \(end) bytes of data but the file has \(dataLength) bytes after the header; the file is \(end < dataLength ? "corrupt (trailing bytes)" : "truncated")")
        }
        return SafetensorsHeader(tensors: entries, metadata: metadata)
    }

    /// Element count × width, refusing shapes whose product overflows (reference: `ValidationOverflow`).
    private static func checkedByteCount(_ entry: SafetensorsEntry) throws(FormatError) -> Int {
        var elements = 1
        for dimension in entry.shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
            guard !overflow else {
                throw FormatError(.limitExceeded, "tensor '\(entry.name)' has shape \(entry.shape), whose element count overflows; the file is corrupt")
            }
            elements = product
        }
        let (bytes, overflow) = elements.multipliedReportingOverflow(by: entry.dtype.byteWidth)
        guard !overflow else {
            throw FormatError(.limitExceeded, "tensor '\(entry.name)' has shape \(entry.shape), whose byte count overflows; the file is corrupt")
        }
        return bytes
    }

    private static func parseMetadata(_ value: HeaderJSON) throws(FormatError) -> [(key: String, value: String)]? {
        switch value {
        case .null:
            return nil
        case .object(let members):
            var pairs: [(key: String, value: String)] = []
            var keys = Set<String>()
            for (key, item) in members {
                guard case .string(let text) = item else {
                    throw FormatError(.malformed, "`\(metadataKey)` must map strings to strings, but '\(key)' is \(item.kindName); fix the tool that wrote the file")
                }
                guard keys.insert(key).inserted else {
                    throw FormatError(.malformed, "`\(metadataKey)` has the key '\(key)' twice; the file is corrupt")
                }
                pairs.append((key, text))
            }
            return pairs
        default:
            throw FormatError(.malformed, "`\(metadataKey)` must be an object of strings, but it is \(value.kindName); fix the tool that wrote the file")
        }
    }

    private static func parseEntry(name: String, _ value: HeaderJSON) throws(FormatError) -> SafetensorsEntry {
        guard case .object(let fields) = value else {
            throw FormatError(.malformed, "tensor '\(name)' must be an object with dtype, shape and data_offsets, but it is \(value.kindName); the file is corrupt")
        }
        func field(_ key: String) throws(FormatError) -> HeaderJSON {
            guard let found = fields.first(where: { $0.key == key }) else {
                throw FormatError(.malformed, "tensor '\(name)' has no `\(key)`; the file is corrupt")
            }
            return found.value
        }
        guard case .string(let dtypeName) = try field("dtype") else {
            throw FormatError(.malformed, "tensor '\(name)' has a `dtype` that is not a string; the file is corrupt")
        }
        guard let dtype = DType(rawValue: dtypeName) else {
            if unsupportedDTypes.contains(dtypeName) {
                throw FormatError(.invalidArgument, "tensor '\(name)' has dtype \(dtypeName), which zoo cannot store yet (supported: \(DType.allCases.map(\.rawValue).joined(separator: ", "))); convert the tensor to a supported dtype first")
            }
            throw FormatError(.malformed, "tensor '\(name)' has unknown dtype '\(dtypeName)' (known: \(DType.allCases.map(\.rawValue).joined(separator: ", "))); the file is corrupt or from a newer safetensors")
        }
        guard case .array(let dims) = try field("shape") else {
            throw FormatError(.malformed, "tensor '\(name)' has a `shape` that is not an array; the file is corrupt")
        }
        var shape: [Int] = []
        shape.reserveCapacity(dims.count)
        for dim in dims {
            guard let n = dim.nonNegativeInt else {
                throw FormatError(.malformed, "tensor '\(name)' has a shape dimension that is \(dim.kindName), not a non-negative integer; the file is corrupt")
            }
            shape.append(n)
        }
        guard case .array(let offsets) = try field("data_offsets"), offsets.count == 2,
              let start = offsets[0].nonNegativeInt, let end = offsets[1].nonNegativeInt else {
            throw FormatError(.malformed, "tensor '\(name)' needs `data_offsets` as two non-negative integers [start, end]; the file is corrupt")
        }
        guard start <= end else {
            throw FormatError(.malformed, "tensor '\(name)' has data_offsets [\(start), \(end)] that end before they start; the file is corrupt")
        }
        return SafetensorsEntry(name: name, dtype: dtype, shape: shape, dataOffsets: start..<end)
    }

    // MARK: Serialising

    /// The canonical header bytes, padded with spaces to a multiple of 8 as the official writer pads
    /// them (so the data section starts 8-byte aligned). Offsets are taken from `tensors` as they are.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "{")]
        var first = true
        func comma() { if !first { out.append(UInt8(ascii: ",")) }; first = false }
        if let metadata {
            comma()
            Self.appendString(Self.metadataKey, to: &out)
            out.append(contentsOf: Array(":{".utf8))
            for (i, pair) in metadata.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.appendString(pair.key, to: &out)
                out.append(UInt8(ascii: ":"))
                Self.appendString(pair.value, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
        for tensor in tensors {
            comma()
            Self.appendString(tensor.name, to: &out)
            out.append(contentsOf: Array(":{\"dtype\":".utf8))
            Self.appendString(tensor.dtype.rawValue, to: &out)
            out.append(contentsOf: Array(",\"shape\":[".utf8))
            out.append(contentsOf: Array(tensor.shape.map(String.init).joined(separator: ",").utf8))
            out.append(contentsOf: Array("],\"data_offsets\":[\(tensor.dataOffsets.lowerBound),\(tensor.dataOffsets.upperBound)]}".utf8))
        }
        out.append(UInt8(ascii: "}"))
        let padding = (8 - out.count % 8) % 8
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: padding))
        return out
    }

    /// Appends `text` as a JSON string escaped as `serde_json` escapes: `"` and `\`, the short
    /// escapes for \b \f \n \r \t, other control characters as lowercase `\u00xx`; nothing else.
    static func appendString(_ text: String, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x00..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Tensors laid out from 0 in the given order, with offsets computed from their shapes.
    public static func layout(_ tensors: [(name: String, dtype: DType, shape: [Int])]) throws(FormatError) -> [SafetensorsEntry] {
        var entries: [SafetensorsEntry] = []
        entries.reserveCapacity(tensors.count)
        var offset = 0
        var names = Set<String>()
        for tensor in tensors {
            guard tensor.name != metadataKey else {
                throw FormatError(.invalidArgument, "a tensor cannot be named `\(metadataKey)`: safetensors reserves that key for metadata; rename the tensor")
            }
            guard names.insert(tensor.name).inserted else {
                throw FormatError(.invalidArgument, "tensor '\(tensor.name)' appears twice; tensor names must be unique")
            }
            guard tensor.shape.allSatisfy({ $0 >= 0 }) else {
                throw FormatError(.invalidArgument, "tensor '\(tensor.name)' has a negative dimension in shape \(tensor.shape)")
            }
            var entry = SafetensorsEntry(name: tensor.name, dtype: tensor.dtype, shape: tensor.shape, dataOffsets: offset..<offset)
            let (end, overflow) = offset.addingReportingOverflow(try checkedByteCount(entry))
            guard !overflow else {
                throw FormatError(.limitExceeded, "the tensors' total size overflows at '\(tensor.name)'")
            }
            entry.dataOffsets = offset..<end
            entries.append(entry)
            offset = end
        }
        return entries
    }

    /// The order the official writer gives tensors: by dtype alignment, largest first, then by name
    /// (byte order). Use it when writing a new file that should look like one `safetensors` wrote.
    public static func officialOrder<T>(_ tensors: [T], name: (T) -> String, dtype: (T) -> DType) -> [T] {
        tensors.sorted { a, b in
            let (ra, rb) = (alignmentRank(dtype(a)), alignmentRank(dtype(b)))
            if ra != rb { return ra > rb }
            return Array(name(a).utf8).lexicographicallyPrecedes(Array(name(b).utf8))
        }
    }

    /// Position in the reference implementation's `Dtype` enum (declared in increasing alignment).
    static func alignmentRank(_ dtype: DType) -> Int {
        switch dtype {
        case .bool: return 0
        case .u8: return 1
        case .i8: return 2
        case .f8e5m2: return 3
        case .f8e4m3: return 4
        case .i16: return 5
        case .f16: return 6
        case .bf16: return 7
        case .i32: return 8
        case .f32: return 9
        case .f64: return 10
        case .i64: return 11
        }
    }
}
