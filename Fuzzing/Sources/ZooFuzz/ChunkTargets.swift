import ZooFormat

/// One chunk through `TensorCodec.decode` (CRC, codec structure, the fast Huffman decoder, zlib,
/// the byte-plane merge) against a reference decoder written from the spec with zlib only.
enum ChunkTargets {
    /// Input: dtype (1 byte), codec (1 byte), element count (2 bytes, little-endian, below 4096:
    /// small chunks run fast and reach every branch), then the chunk's stored bytes. Ours and the reference must accept the same chunks and decode them
    /// to the same bytes.
    static func chunk(_ input: [UInt8]) {
        guard input.count >= 4 else { return }
        let dtype = DType.allCases[Int(input[0]) % DType.allCases.count]
        let codec = Codec.allCases[Int(input[1]) % Codec.allCases.count]
        let n = (Int(input[2]) | Int(input[3]) << 8) & 0xFFF
        let stored = Array(input[4...])
        compare(stored, dtype: dtype, codec: codec, elements: n)
    }

    /// Input: the plane length (2 bytes, little-endian, below 4096), then a raw-deflate stream, decoded as the
    /// one Huffman plane of a U8 planes chunk: our fast literal decoder (with zlib behind it)
    /// against zlib alone.
    static func huffmanAgainstZlib(_ input: [UInt8]) {
        guard input.count >= 2 else { return }
        let n = (Int(input[0]) | Int(input[1]) << 8) & 0xFFF
        let stream = Array(input[2...])
        var chunk: [UInt8] = [1]
        chunk += (0..<4).map { UInt8(truncatingIfNeeded: stream.count >> (8 * $0)) }
        compare(chunk + stream, dtype: .u8, codec: .planes, elements: n)
    }

    static func compare(_ stored: [UInt8], dtype: DType, codec: Codec, elements n: Int) {
        let raw = n * dtype.byteWidth
        guard n > 0 else { return }
        let record = TensorRecord(name: "t", dtype: dtype, shape: [n], codec: codec, rawBytes: UInt64(raw),
                                  storedBytes: UInt64(stored.count), sha256: String(repeating: "0", count: 64),
                                  chunks: [ChunkRecord(offset: 0, storedLength: UInt64(stored.count), rawLength: UInt64(raw),
                                                       crc32: CRC32.checksum(stored))])
        // A chunk the index checks refuse never reaches a decoder.
        guard (try? record.validate()) != nil else { return }
        var ours = [UInt8](repeating: 0, count: raw)
        let error: FormatError? = stored.withUnsafeBytes { input in
            ours.withUnsafeMutableBytes { output -> FormatError? in
                do throws(FormatError) { try TensorCodec.decode(record: record, stream: input, into: output); return nil } catch { return error }
            }
        }
        let reference = Reference.decode(stored, dtype: dtype, codec: codec, elements: n)
        switch (error, reference.bytes) {
        case (nil, let expected?):
            FuzzCheck.require(ours == expected, "\(dtype.rawValue)/\(codec.rawValue): decoded bytes differ from the reference's")
        case (nil, nil):
            FuzzCheck.fail("\(dtype.rawValue)/\(codec.rawValue): ours decodes a chunk the reference refuses (\(reference.message ?? "no reason"))")
        case (let e?, _?):
            FuzzCheck.fail("\(dtype.rawValue)/\(codec.rawValue): ours refuses a chunk the reference decodes: \(e)")
        case (let e?, nil):
            FuzzCheck.require(e.kind == .corruptData, "a bad chunk is refused as \(e.kind), not corruptData: \(e)")
        }
    }

    /// The spec's planes and deflate codecs (formats/zckpt-v1.md §5), written plainly over zlib.
    enum Reference {
        static func decode(_ stored: [UInt8], dtype: DType, codec: Codec, elements n: Int) -> ReferenceInflate.Outcome {
            let width = dtype.byteWidth
            switch codec {
            case .raw:
                return ReferenceInflate.Outcome(bytes: stored.count == n * width ? stored : nil, message: nil)
            case .deflate:
                return ReferenceInflate.inflate(stored, length: n * width)
            case .planes:
                let header = 5 * width
                guard stored.count >= header else { return .init(bytes: nil, message: nil) }
                var planes: [[UInt8]] = []
                var position = header
                for p in 0..<width {
                    let method = stored[5 * p]
                    let length = (1...4).reduce(0) { $0 | Int(stored[5 * p + $1]) << (8 * ($1 - 1)) }
                    guard length <= stored.count - position else { return .init(bytes: nil, message: nil) }
                    let bytes = Array(stored[position..<(position + length)])
                    position += length
                    switch method {
                    case 0:
                        guard length == n else { return .init(bytes: nil, message: nil) }
                        planes.append(bytes)
                    case 1, 2:
                        let plane = ReferenceInflate.inflate(bytes, length: n)
                        guard let decoded = plane.bytes else { return plane }
                        planes.append(decoded)
                    case 3:
                        // K, K - 1 entry points (hints only: the plane is what the stream inflates to).
                        guard let k = bytes.first, (1...16).contains(k), bytes.count >= 1 + 4 * (Int(k) - 1) else {
                            return .init(bytes: nil, message: nil)
                        }
                        let plane = ReferenceInflate.inflate(Array(bytes[(1 + 4 * (Int(k) - 1))...]), length: n)
                        guard let decoded = plane.bytes else { return plane }
                        planes.append(decoded)
                    default:
                        return .init(bytes: nil, message: nil)
                    }
                }
                guard position == stored.count else { return .init(bytes: nil, message: nil) }
                // Element i is byte p of plane p, rotated right by 1 bit for floats of 2+ bytes.
                let rotate = dtype.isFloatingPoint && width >= 2 ? 1 : 0
                let bits = UInt64(8 * width)
                var out: [UInt8] = []
                out.reserveCapacity(n * width)
                for i in 0..<n {
                    var v: UInt64 = 0
                    for p in 0..<width { v |= UInt64(planes[p][i]) << (8 * UInt64(p)) }
                    if rotate == 1 {
                        let mask: UInt64 = bits == 64 ? .max : (1 << bits) - 1
                        v = ((v >> 1) | (v << (bits - 1))) & mask
                    }
                    for p in 0..<width { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(p)))) }
                }
                return .init(bytes: out, message: nil)
            }
        }
    }
}
