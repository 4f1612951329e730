/// What `Store.verify` checked and what it found wrong.
public struct VerifyReport: Codable, Sendable, Equatable {
    /// Versions whose manifest, config and tensor blobs were checked.
    public var versions: Int
    /// Distinct blobs whose SHA-256 was recomputed.
    public var blobs: Int
    /// Bytes hashed.
    public var bytes: UInt64
    /// Chunk CRCs checked.
    public var chunks: Int
    /// Blobs nothing references (harmless; `gc` removes them).
    public var unreferencedBlobs: Int
    /// Temporary files left by interrupted writers (harmless; `gc` removes them).
    public var temporaryFiles: Int
    /// Everything wrong, one line each, naming the version, tensor or blob.
    public var problems: [String]
    /// Whether tensors were decoded (`verify --deep`).
    public var deep: Bool
    /// Distinct tensor streams decoded and checked against their SHA-256.
    public var decodedTensors: Int
    /// Raw bytes they decoded to.
    public var decodedBytes: UInt64

    /// Whether nothing is wrong.
    public var ok: Bool { problems.isEmpty }

    private enum CodingKeys: String, CodingKey {
        case versions, blobs, bytes, chunks, problems, ok, deep
        case unreferencedBlobs = "unreferenced_blobs", temporaryFiles = "temporary_files"
        case decodedTensors = "decoded_tensors", decodedBytes = "decoded_bytes"
    }

    /// An empty report (nothing checked yet).
    public init() {
        versions = 0; blobs = 0; bytes = 0; chunks = 0; unreferencedBlobs = 0; temporaryFiles = 0; problems = []
        deep = false; decodedTensors = 0; decodedBytes = 0
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        versions = try c.decode(Int.self, forKey: .versions)
        blobs = try c.decode(Int.self, forKey: .blobs)
        bytes = try c.decode(UInt64.self, forKey: .bytes)
        chunks = try c.decode(Int.self, forKey: .chunks)
        unreferencedBlobs = try c.decode(Int.self, forKey: .unreferencedBlobs)
        temporaryFiles = try c.decode(Int.self, forKey: .temporaryFiles)
        problems = try c.decode([String].self, forKey: .problems)
        deep = try c.decodeIfPresent(Bool.self, forKey: .deep) ?? false
        decodedTensors = try c.decodeIfPresent(Int.self, forKey: .decodedTensors) ?? 0
        decodedBytes = try c.decodeIfPresent(UInt64.self, forKey: .decodedBytes) ?? 0
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(versions, forKey: .versions)
        try c.encode(blobs, forKey: .blobs)
        try c.encode(bytes, forKey: .bytes)
        try c.encode(chunks, forKey: .chunks)
        try c.encode(unreferencedBlobs, forKey: .unreferencedBlobs)
        try c.encode(temporaryFiles, forKey: .temporaryFiles)
        try c.encode(problems, forKey: .problems)
        try c.encode(ok, forKey: .ok)
        try c.encode(deep, forKey: .deep)
        try c.encode(decodedTensors, forKey: .decodedTensors)
        try c.encode(decodedBytes, forKey: .decodedBytes)
    }
}
