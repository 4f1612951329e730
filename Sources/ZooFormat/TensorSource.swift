#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Any file zoo imports tensors from, told apart by its content: safetensors, a PyTorch
/// checkpoint in either container, or a sharded checkpoint's `*.index.json` (whose shards are any
/// of these). One list of named tensors and one way to read each one's bytes, so import, convert
/// and inspect treat them all alike (`.zckpt` files have their own reader, which keeps their
/// encoded streams).
public final class TensorSource {
    /// What kind of file was opened.
    public enum Format: String, Sendable {
        /// safetensors.
        case safetensors
        /// `torch.save`'s zip container.
        case pytorchZip = "pytorch-zip"
        /// `torch.save`'s legacy container.
        case pytorchLegacy = "pytorch-legacy"
        /// A sharded checkpoint's index.
        case sharded
    }

    /// One tensor: name, dtype, shape, and its row-major bytes' length.
    public struct Tensor: Sendable, Equatable {
        /// Its name.
        public var name: String
        /// Element type.
        public var dtype: DType
        /// Dimensions, outermost first.
        public var shape: [Int]
        /// Bytes of its row-major form.
        public var byteCount: Int
        /// Elements.
        public var elementCount: Int { shape.reduce(1, *) }
    }

    /// The path, as given.
    public let path: String
    /// What kind of file it is.
    public let format: Format
    /// Every tensor, in file order (sharded: shard by shard, in the shards' order).
    public let tensors: [Tensor]
    /// safetensors `__metadata__` pairs (sharded: when every shard has the same); nil otherwise.
    public let metadata: [(key: String, value: String)]?
    /// Bytes of the file (sharded: the index and every shard).
    public let fileBytes: UInt64
    /// PyTorch only: the container's version record (`3`), or the legacy protocol (`1001`).
    public let containerVersion: String?
    /// PyTorch only: what is not imported (epoch, optimizer state, non-tensor values).
    public let entries: [PyTorchCheckpoint.Entry]
    /// PyTorch only: the key the tensors were found under (`state_dict`), nil at the top level.
    public let tensorKey: String?
    /// PyTorch only: the prefix removed from every name (`module.`, Lightning's `model.`).
    public let strippedPrefix: String?
    /// Sharded only: the shard files, in the order their tensors are listed.
    public let shards: [String]

    private enum Backend {
        case safetensors(SafetensorsFile)
        case pytorch(PyTorchCheckpointFile)
    }
    private let backends: [Backend]
    private let locations: [(backend: Int, index: Int)]

    /// The metadata as a dictionary, nil when there is none.
    public var metadataMap: [String: String]? {
        metadata.map { Dictionary($0.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last }) }
    }

    /// Extensions PyTorch checkpoints commonly have (the content decides, not these).
    public static let pytorchExtensions: Set<String> = ["pt", "pth", "bin", "ckpt"]

    /// Whether `path`'s name suggests a file this type reads (safetensors, a PyTorch extension, or
    /// `*.index.json`); used where a file must be told from a store reference by name alone.
    public static func looksReadable(_ path: String) -> Bool {
        if ShardedCheckpointIndex.isIndexName(path) { return true }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return false }
        let ext = name[name.index(after: dot)...].lowercased()
        return ext == "safetensors" || pytorchExtensions.contains(ext)
    }

    /// Opens `path`, telling its format by content. `key` picks the dict of tensors in a PyTorch
    /// checkpoint (also in each PyTorch shard).
    public init(path: String, key: String? = nil) throws(FormatError) {
        self.path = path
        let kind = try Self.sniff(path)
        if kind == .index {
            let (index, indexBytes) = try Self.readIndex(path)
            let folder = path.contains("/") ? String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)]) : "."
            var backends: [Backend] = []
            var tensors: [Tensor] = []
            var locations: [(backend: Int, index: Int)] = []
            var total = indexBytes
            var metadatas: [[(key: String, value: String)]?] = []
            let expected = Dictionary(index.weightMap.map { ($0.tensor, $0.shard) }, uniquingKeysWith: { a, _ in a })
            var found = Set<String>()
            for shard in index.shards {
                let shardPath = folder + "/" + shard
                let opened: (Backend, [Tensor], [(key: String, value: String)]?, UInt64)
                do throws(FormatError) {
                    let shardKind = try Self.sniff(shardPath)
                    guard shardKind != .index else {
                        throw FormatError(.malformed, "it is itself a shard index")
                    }
                    opened = try Self.openSingle(shardPath, kind: shardKind, key: key)
                } catch {
                    let inner = error.message.hasPrefix(shardPath + ": ") ? String(error.message.dropFirst(shardPath.count + 2)) : error.message
                    throw FormatError(error.kind, "\(path): shard '\(shard)': \(inner)")
                }
                backends.append(opened.0)
                metadatas.append(opened.2)
                total += opened.3
                for (i, tensor) in opened.1.enumerated() {
                    guard let mapped = expected[tensor.name] else {
                        throw FormatError(.malformed, "\(path): shard '\(shard)' holds tensor '\(tensor.name)', which the index's weight_map does not list; the index does not match its shards")
                    }
                    guard mapped == shard else {
                        throw FormatError(.malformed, "\(path): shard '\(shard)' holds tensor '\(tensor.name)', which the index maps to '\(mapped)'; the index does not match its shards")
                    }
                    found.insert(tensor.name)
                    tensors.append(tensor)
                    locations.append((backends.count - 1, i))
                }
            }
            if let missing = index.weightMap.first(where: { !found.contains($0.tensor) }) {
                throw FormatError(.malformed, "\(path): the index maps '\(missing.tensor)' to shard '\(missing.shard)', which does not hold it; the shard is incomplete or the index is stale")
            }
            format = .sharded
            self.tensors = tensors
            self.backends = backends
            self.locations = locations
            fileBytes = total
            shards = index.shards
            let first = metadatas.first ?? nil
            metadata = metadatas.allSatisfy({ Self.samePairs($0, first) }) ? first : nil
            var pytorch: PyTorchCheckpoint?
            for case .pytorch(let file) in backends { pytorch = file.checkpoint; break }
            containerVersion = pytorch?.version
            entries = []
            tensorKey = pytorch?.tensorKey
            strippedPrefix = pytorch?.strippedPrefix
            return
        }
        if key != nil, kind == .safetensors {
            throw FormatError(.invalidArgument, "--key applies to PyTorch checkpoints; \(path) is a safetensors file")
        }
        let (backend, tensors, metadata, size) = try Self.openSingle(path, kind: kind, key: key)
        self.tensors = tensors
        self.metadata = metadata
        self.backends = [backend]
        self.locations = tensors.indices.map { (0, $0) }
        fileBytes = size
        shards = []
        switch backend {
        case .safetensors:
            format = .safetensors
            containerVersion = nil
            entries = []
            tensorKey = nil
            strippedPrefix = nil
        case .pytorch(let file):
            let checkpoint = file.checkpoint
            format = checkpoint.container == .zip ? .pytorchZip : .pytorchLegacy
            containerVersion = checkpoint.version
            entries = checkpoint.entries
            tensorKey = checkpoint.tensorKey
            strippedPrefix = checkpoint.strippedPrefix
        }
    }

    /// Throws `io` naming the file when it (or a shard) was truncated or rewritten since it was
    /// opened. Whoever reads `bytes(of:)` calls this after the last read and on any error: a mapped
    /// file that shrank reads as zeros past its new end, never a signal (`MappedFile`).
    public func checkUnchanged() throws(FormatError) {
        for backend in backends {
            switch backend {
            case .safetensors(let file): try file.checkUnchanged()
            case .pytorch(let file): try file.checkUnchanged()
            }
        }
    }

    /// `body` (which reads tensor bytes), then `checkUnchanged`; on an error from `body`, a changed
    /// file is reported instead.
    @discardableResult
    public func guarded<T>(_ body: () throws(FormatError) -> T) throws(FormatError) -> T {
        let result: T
        do { result = try body() } catch {
            try checkUnchanged()
            throw error
        }
        try checkUnchanged()
        return result
    }

    /// Tensor `index`'s bytes in row-major order (borrowed ones: see `checkUnchanged`).
    public func bytes(of index: Int) throws(FormatError) -> TensorBytes {
        let location = locations[index]
        switch backends[location.backend] {
        case .safetensors(let file):
            return TensorBytes(borrowing: file.bytes(of: file.tensors[location.index]), owner: file)
        case .pytorch(let file):
            return try file.bytes(of: location.index)
        }
    }

    // MARK: Opening

    private static func samePairs(_ a: [(key: String, value: String)]?, _ b: [(key: String, value: String)]?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case let (x?, y?): return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    private static func openSingle(_ path: String, kind: Kind, key: String?) throws(FormatError)
        -> (Backend, [Tensor], [(key: String, value: String)]?, UInt64) {
        switch kind {
        case .safetensors:
            let file = try SafetensorsFile(path: path)
            let tensors = file.tensors.map { Tensor(name: $0.name, dtype: $0.dtype, shape: $0.shape, byteCount: $0.dataOffsets.count) }
            return (.safetensors(file), tensors, file.header.metadata, UInt64(file.fileSize))
        case .pytorch:
            let file = try PyTorchCheckpointFile(path: path, key: key)
            let tensors = file.checkpoint.tensors.map { Tensor(name: $0.name, dtype: $0.dtype, shape: $0.shape, byteCount: $0.byteCount) }
            return (.pytorch(file), tensors, nil, UInt64(file.fileSize))
        case .index:
            throw FormatError(.malformed, "\(path) is a shard index")
        }
    }

    private static func readIndex(_ path: String) throws(FormatError) -> (ShardedCheckpointIndex, UInt64) {
        let file = try FileDescriptor(reading: path)
        let size = try file.size()
        guard size <= UInt64(PyTorchLimits.maxIndexBytes) else {
            throw FormatError(.limitExceeded, "\(path) is \(size) bytes, over the \(PyTorchLimits.maxIndexBytes)-byte limit for a shard index")
        }
        let bytes = try file.read(count: Int(size), at: 0)
        do throws(FormatError) {
            let index = try bytes.withBytes { (raw) throws(FormatError) in try ShardedCheckpointIndex.parse(raw) }
            return (index, size)
        } catch {
            throw FormatError(error.kind, "\(path): \(error.message)")
        }
    }
}
