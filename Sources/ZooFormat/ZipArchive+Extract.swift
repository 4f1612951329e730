import CZlib

extension ZipArchive {
    /// An entry's extracted bytes: where they lie in the archive when stored, or inflated into memory.
    public enum Contents: Sendable {
        /// Stored: the bytes are this range of the archive.
        case stored(Range<Int>)
        /// Deflated: the inflated bytes.
        case inflated([UInt8])
    }

    /// Extracts `entry` from the archive `bytes`. A deflated entry is inflated into exactly its
    /// declared size (more or fewer bytes is `corruptData`) and counts against `budget`, the bytes
    /// compressed entries may still inflate to; its CRC-32 is checked. Stored entries are not
    /// copied; check them with `verify` when their bytes are read.
    public func extract(_ entry: ZipEntry, from bytes: UnsafeRawBufferPointer, budget: inout UInt64) throws(FormatError) -> Contents {
        switch entry.method {
        case .stored:
            return .stored(entry.dataRange)
        case .deflate:
            guard UInt64(entry.uncompressedSize) <= budget else {
                throw FormatError(.limitExceeded, "zip archive: entry '\(entry.name)' would inflate past the limit for all compressed entries together; this is a decompression bomb, or re-save the file with \(writer) without compression")
            }
            budget -= UInt64(entry.uncompressedSize)
            var output = [UInt8](repeating: 0, count: entry.uncompressedSize)
            var inflater = try ZlibInflater()
            let input = UnsafeRawBufferPointer(rebasing: bytes[entry.dataRange])
            try output.withMutableBytes { (out) throws(FormatError) in
                try inflater.decompress(input, into: out, context: "zip archive: entry '\(entry.name)'")
            }
            try output.withBytes { (raw) throws(FormatError) in try Self.verify(entry, raw) }
            return .inflated(output)
        }
    }

    /// Checks `raw`, an entry's extracted bytes, against the CRC-32 the directory gives. Large
    /// entries (a storage of many MiB) are checksummed in 1 MiB pieces on all cores, combined with
    /// zlib's `crc32_combine`.
    public static func verify(_ entry: ZipEntry, _ raw: UnsafeRawBufferPointer) throws(FormatError) {
        let crc = parallelChecksum(raw)
        guard crc == entry.crc32 else {
            throw FormatError(.checksumMismatch, "zip archive: entry '\(entry.name)' has CRC-32 \(String(crc, radix: 16)) but the directory says \(String(entry.crc32, radix: 16)); the file is corrupt (fetch it again)")
        }
    }
}

extension ZipArchive {
    /// Bytes per piece of a parallel checksum.
    static let checksumPiece = 1 << 20

    /// The CRC-32 of `raw`, in pieces on all cores when it is larger than two pieces.
    static func parallelChecksum(_ raw: UnsafeRawBufferPointer) -> UInt32 {
        let pieces = (raw.count + checksumPiece - 1) / checksumPiece
        guard pieces > 2 else { return CRC32.checksum(raw) }
        var crcs = [UInt32](repeating: 0, count: pieces)
        crcs.withUnsafeMutableBufferPointer { out in
            Parallel.run(pieces) { i in
                let start = i * checksumPiece
                out[i] = CRC32.checksum(UnsafeRawBufferPointer(rebasing: raw[start..<min(start + checksumPiece, raw.count)]))
            }
        }
        var crc = UInt(crcs[0])
        for i in 1..<pieces {
            let length = min(checksumPiece, raw.count - i * checksumPiece)
            crc = crc32_combine(crc, UInt(crcs[i]), off_t(length))
        }
        return UInt32(truncatingIfNeeded: crc)
    }
}
