extension TensorSource {
    /// The kinds of file `TensorSource` tells apart by their first bytes.
    enum Kind: Equatable {
        case safetensors
        case pytorch
        case index
    }

    /// What `path` holds, from its first 16 bytes (and, for JSON, its name): an 8-byte length that
    /// fits the file then `{` is safetensors, a zip archive or a pickle is a PyTorch checkpoint, JSON
    /// is a shard index. `.zckpt` files and anything else are refused with what to do.
    static func sniff(_ path: String) throws(FormatError) -> Kind {
        let file = try FileDescriptor(reading: path)
        let size = try file.size()
        let head = try file.read(count: Int(min(size, 16)), at: 0)
        let kind: Kind? = head.withUnsafeBytes { raw -> Kind? in
            // safetensors first: its 8-byte length may start with any byte (0x80 00 ... is a
            // 128-byte header), but only it has `{` at byte 8 with a length that fits the file; a
            // zip's byte 8 is its compression method and a legacy pickle's is part of the magic.
            if raw.count >= 9, raw[8] == UInt8(ascii: "{"), UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self)) <= size - 8 {
                return .safetensors
            }
            if ZipArchive.looksLikeZip(raw) || raw.first == PickleOpcode.proto.rawValue { return .pytorch }
            if let first = raw.first(where: { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }), first == UInt8(ascii: "{") {
                return .index
            }
            return nil
        }
        if let kind { return kind }
        if head.count >= CheckpointLayout.magic.count, Array(head[0..<CheckpointLayout.magic.count]) == CheckpointLayout.magic {
            throw FormatError(.invalidArgument, "\(path) is a .zckpt file; give it the .zckpt extension so zoo reads it as one")
        }
        if ShardedCheckpointIndex.isIndexName(path) {
            throw FormatError(.malformed, "\(path) is named like a shard index but does not hold a JSON object")
        }
        let hex = head.prefix(8).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")
        throw FormatError(.notAFile, "\(path) is not a checkpoint zoo reads (it starts with \(hex.isEmpty ? "nothing: it is empty" : hex)): expected safetensors, a PyTorch checkpoint (torch.save: .pt, .pth, .bin, .ckpt), a shard index (*.index.json) or a .zckpt file")
    }
}
