/// Encodes and decodes one chunk with one codec (formats/zckpt-v1.md, §5 "Codecs").
enum ChunkCodec {
    /// Encodes `raw` (one chunk, a whole number of elements) into `output` (room for
    /// `ChunkWorkspace.storedBound(raw.count)` bytes) with `workspace`'s scratch and returns the
    /// stored bytes: a prefix of `output`, or `raw` itself for the raw codec.
    static func encode(_ raw: UnsafeRawBufferPointer, dtype: DType, codec: Codec, level: Int32,
                       workspace: ChunkWorkspace, into output: UnsafeMutableRawBufferPointer) throws(FormatError) -> UnsafeRawBufferPointer {
        switch codec {
        case .raw:
            return raw
        case .deflate:
            // The output buffer has room for zlib's worst case, so nil cannot happen; stay safe anyway.
            guard let n = try workspace.deflater.compress(raw, into: output, level: level, strategy: .standard) else {
                throw FormatError(.invalidArgument, "deflate output exceeded its bound; this is a bug in ZooFormat")
            }
            return UnsafeRawBufferPointer(rebasing: output[..<n])
        case .planes:
            return try encodePlanes(raw, dtype: dtype, level: level, workspace: workspace, into: output)
        }
    }

    private static func encodePlanes(_ raw: UnsafeRawBufferPointer, dtype: DType, level: Int32,
                                     workspace: ChunkWorkspace, into out: UnsafeMutableRawBufferPointer) throws(FormatError) -> UnsafeRawBufferPointer {
        let width = dtype.byteWidth
        let n = raw.count / width
        BytePlanes.split(raw, width: width, rotation: PlanesLayout.rotation(of: dtype), into: workspace.planes)
        var position = PlanesLayout.headerSize(width: width)
        for p in 0..<width {
            let plane = UnsafeRawBufferPointer(rebasing: workspace.planes[(p * n)..<(p * n + n)])
            let stats = PlaneStatistics(plane)
            var method = PlanesLayout.Method.stored
            var length = n
            let target = UnsafeMutableRawBufferPointer(rebasing: out[position..<(position + n)])
            // Each candidate must beat the best so far, which bounds its output buffer.
            // The encoder may use the room after this plane's slot (later planes overwrite it).
            let room = UnsafeMutableRawBufferPointer(rebasing: out[position...])
            if stats.tryHuffman, n >= PlanesLayout.indexedFrom {
                if let m = HuffmanEncoder.encodeIndexed(plane, counts: stats.planeCounts, into: room, limit: n) {
                    method = .indexedHuffman
                    length = m
                }
            } else if stats.tryHuffman, let m = HuffmanEncoder.encode(plane, blockCounts: stats.blockCounts, into: room, limit: n) {
                method = .huffman
                length = m
            }
            if stats.tryDeflate, length > 1,
               let m = try workspace.deflater.compress(plane, into: UnsafeMutableRawBufferPointer(rebasing: workspace.scratch[..<(length - 1)]),
                                                       level: deflateLevel(level, planeBytes: n), strategy: .standard) {
                method = .deflate
                length = m
                if let dst = target.baseAddress, let src = workspace.scratch.baseAddress { dst.copyMemory(from: src, byteCount: m) }
            }
            if method == .stored, let base = plane.baseAddress, n > 0 {
                target.baseAddress?.copyMemory(from: base, byteCount: n)
            }
            let entry = p * PlanesLayout.entrySize
            out[entry] = method.rawValue
            out.storeBytes(of: UInt32(length).littleEndian, toByteOffset: entry + 1, as: UInt32.self)
            position += length
        }
        return UnsafeRawBufferPointer(rebasing: out[..<position])
    }

    /// The zlib level of a plane's LZ77 trial: the requested level, but at most 4 for planes of
    /// 16 KiB or more. On planes of a few repeating values zlib's lazy matching with long chains
    /// (levels 5 to 9) costs ten times level 4's time for a few percent of that plane; the smaller
    /// planes of small tensors keep the requested level exactly.
    static func deflateLevel(_ level: Int32, planeBytes: Int) -> Int32 {
        planeBytes >= 1 << 14 ? min(max(level, 1), 4) : max(level, 1)
    }

    /// Decodes one chunk's `stored` bytes into `output` (its exact raw length). The caller has
    /// checked the chunk's CRC; this checks the codec's own structure.
    static func decode(_ stored: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, dtype: DType,
                       codec: Codec, workspace: ChunkWorkspace, context: @autoclosure () -> String) throws(FormatError) {
        switch codec {
        case .raw:
            guard stored.count == output.count else {
                throw FormatError(.malformed, "\(context()): a raw chunk stores \(stored.count) bytes for \(output.count) raw bytes")
            }
            if let base = stored.baseAddress, stored.count > 0 { output.baseAddress?.copyMemory(from: base, byteCount: stored.count) }
        case .deflate:
            try workspace.inflater.decompress(stored, into: output, context: context())
        case .planes:
            try decodePlanes(stored, into: output, dtype: dtype, workspace: workspace, context: context())
        }
    }

    private static func decodePlanes(_ stored: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer, dtype: DType,
                                     workspace: ChunkWorkspace, context: @autoclosure () -> String) throws(FormatError) {
        let width = dtype.byteWidth
        let n = output.count / width
        let header = PlanesLayout.headerSize(width: width)
        guard stored.count >= header else {
            throw FormatError(.corruptData, "\(context()): \(stored.count) stored bytes cannot hold the \(header)-byte planes header; the file is corrupt")
        }
        var position = header
        workspace.reservePlanes(output.count)
        var sources: [UnsafeRawPointer] = []
        sources.reserveCapacity(width)
        let empty = UnsafeRawPointer(bitPattern: 64) // never read: planes of zero elements
        for p in 0..<width {
            let entry = p * PlanesLayout.entrySize
            let methodByte = stored[entry]
            let length = Int(UInt32(littleEndian: stored.loadUnaligned(fromByteOffset: entry + 1, as: UInt32.self)))
            guard let method = PlanesLayout.Method(rawValue: methodByte) else {
                throw FormatError(.corruptData, "\(context()): plane \(p) has unknown storage method \(methodByte) (this reader knows methods 0-3 of format 1.1); the file is corrupt or needs a newer reader")
            }
            guard length <= stored.count - position else {
                throw FormatError(.corruptData, "\(context()): plane \(p) claims \(length) bytes but only \(stored.count - position) remain in the chunk; the file is corrupt")
            }
            let bytes = UnsafeRawBufferPointer(rebasing: stored[position..<(position + length)])
            position += length
            switch method {
            case .stored:
                guard length == n else {
                    throw FormatError(.corruptData, "\(context()): stored plane \(p) has \(length) bytes, expected \(n) for the chunk's raw length; the file is corrupt")
                }
                guard let base = bytes.baseAddress ?? empty else { return }
                sources.append(base)
            case .indexedHuffman:
                // u8 K, K - 1 u32 entry points (hints: the plane is what the stream inflates to).
                let segments = Int(bytes.first ?? 0)
                let prefix = 1 + 4 * (segments - 1)
                guard (1...PlanesLayout.maxSegments).contains(segments), prefix <= length else {
                    throw FormatError(.corruptData, "\(context()): indexed Huffman plane \(p) declares \(segments) segments in \(length) bytes; the file is corrupt")
                }
                let entries = (0..<(segments - 1)).map {
                    Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 1 + 4 * $0, as: UInt32.self)))
                }
                let stream = UnsafeRawBufferPointer(rebasing: bytes[prefix...])
                let target = UnsafeMutableRawBufferPointer(rebasing: workspace.planes[(p * n)..<(p * n + n)])
                if !(segments == HuffmanDecoder.segments
                     && HuffmanDecoder.decodeSegments(stream, entryPoints: entries, into: target,
                                                      tables: workspace.decodeTables, singles: workspace.decodeSingles)),
                   !HuffmanDecoder.decodeLiterals(stream, into: target, tables: workspace.decodeTables) {
                    try workspace.inflater.decompress(stream, into: target, context: "\(context()) plane \(p)")
                }
                guard let base = target.baseAddress.map(UnsafeRawPointer.init) ?? empty else { return }
                sources.append(base)
            case .huffman, .deflate:
                let target = UnsafeMutableRawBufferPointer(rebasing: workspace.planes[(p * n)..<(p * n + n)])
                // The fast literal decoder takes what this library writes; zlib takes everything else.
                if !HuffmanDecoder.decodeLiterals(bytes, into: target, tables: workspace.decodeTables) {
                    try workspace.inflater.decompress(bytes, into: target, context: "\(context()) plane \(p)")
                }
                guard let base = target.baseAddress.map(UnsafeRawPointer.init) ?? empty else { return }
                sources.append(base)
            }
        }
        guard position == stored.count else {
            throw FormatError(.corruptData, "\(context()): \(stored.count - position) bytes follow the last plane; the file is corrupt")
        }
        BytePlanes.merge(sources, width: width, rotation: PlanesLayout.rotation(of: dtype), into: output)
    }
}
