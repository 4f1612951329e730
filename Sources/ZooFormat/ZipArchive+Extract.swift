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
                throw FormatError(.limitExceeded, "zip archive: entry '\(entry.name)' would inflate past the \(PyTorchLimits.maxInflatedBytes)-byte limit for all compressed entries together; this is a decompression bomb, or re-save the checkpoint with torch.save, which stores entries uncompressed")
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

    /// Checks `raw`, an entry's extracted bytes, against the CRC-32 the directory gives.
    public static func verify(_ entry: ZipEntry, _ raw: UnsafeRawBufferPointer) throws(FormatError) {
        let crc = CRC32.checksum(raw)
        guard crc == entry.crc32 else {
            throw FormatError(.checksumMismatch, "zip archive: entry '\(entry.name)' has CRC-32 \(String(crc, radix: 16)) but the directory says \(String(entry.crc32, radix: 16)); the file is corrupt (fetch it again)")
        }
    }
}
