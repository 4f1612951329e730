/// The index of a sharded checkpoint, as the Hugging Face hub lays one out
/// (`model.safetensors.index.json`, `pytorch_model.bin.index.json`): a `weight_map` from each
/// tensor name to the shard file that holds it, beside the shards (formats/pytorch-checkpoints.md, §6).
public struct ShardedCheckpointIndex: Sendable, Equatable {
    /// (tensor, shard file name) pairs in the index's order.
    public var weightMap: [(tensor: String, shard: String)]
    /// Distinct shard file names, sorted (the hub numbers them `-00001-of-00003`).
    public var shards: [String]

    /// Same pairs in the same order.
    public static func == (a: ShardedCheckpointIndex, b: ShardedCheckpointIndex) -> Bool {
        a.shards == b.shards && a.weightMap.count == b.weightMap.count
            && zip(a.weightMap, b.weightMap).allSatisfy { $0.tensor == $1.tensor && $0.shard == $1.shard }
    }

    /// Whether `path` names a shard index (`*.index.json`).
    public static func isIndexName(_ path: String) -> Bool {
        path.lowercased().hasSuffix(".index.json")
    }

    /// Parses and checks an index: a JSON object whose `weight_map` maps each tensor name (once) to
    /// a plain file name in the same folder (no `/`, `\` or `..`).
    public static func parse(_ bytes: UnsafeRawBufferPointer) throws(FormatError) -> ShardedCheckpointIndex {
        guard bytes.count <= PyTorchLimits.maxIndexBytes else {
            throw FormatError(.limitExceeded, "the shard index is \(bytes.count) bytes, over the \(PyTorchLimits.maxIndexBytes)-byte limit")
        }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw FormatError(.malformed, "the shard index is not valid UTF-8 text")
        }
        guard case .object(let members) = try HeaderJSON.parse(bytes) else {
            throw FormatError(.malformed, "the shard index is not a JSON object")
        }
        guard let mapValue = members.first(where: { $0.key == "weight_map" })?.value else {
            throw FormatError(.malformed, "the shard index has no `weight_map`; it is not a sharded checkpoint's index")
        }
        guard case .object(let pairs) = mapValue else {
            throw FormatError(.malformed, "the shard index's `weight_map` is \(mapValue.kindName), not an object")
        }
        var weightMap: [(tensor: String, shard: String)] = []
        var seen = Set<String>()
        var shards = Set<String>()
        for (tensor, value) in pairs {
            guard weightMap.count < PyTorchLimits.maxTensors else {
                throw FormatError(.limitExceeded, "the shard index maps more than \(PyTorchLimits.maxTensors) tensors")
            }
            guard case .string(let shard) = value else {
                throw FormatError(.malformed, "the shard index maps '\(tensor)' to \(value.kindName), not a file name")
            }
            guard seen.insert(tensor).inserted else {
                throw FormatError(.malformed, "the shard index maps '\(tensor)' twice")
            }
            guard !shard.isEmpty, shard.utf8.count <= 255, !shard.utf8.contains(UInt8(ascii: "/")), !shard.utf8.contains(UInt8(ascii: "\\")), shard != "..", shard != ".",
                  !shard.utf8.contains(0) else {
                throw FormatError(.refused, "the shard index maps '\(tensor)' to '\(shard)', which is not a plain file name in the index's folder; zoo reads shards beside the index only")
            }
            shards.insert(shard)
            guard shards.count <= PyTorchLimits.maxShards else {
                throw FormatError(.limitExceeded, "the shard index names more than \(PyTorchLimits.maxShards) shard files")
            }
            weightMap.append((tensor, shard))
        }
        guard !weightMap.isEmpty else { throw FormatError(.malformed, "the shard index's `weight_map` is empty") }
        return ShardedCheckpointIndex(weightMap: weightMap, shards: shards.sorted())
    }
}
