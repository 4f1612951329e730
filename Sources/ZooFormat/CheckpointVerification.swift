/// Checks a checkpoint file end to end: for `.zckpt`, decodes every tensor and checks every chunk's
/// CRC32 and every tensor's SHA-256; for safetensors (which has no checksums), validates the header
/// and layout and reads every byte.
public enum CheckpointVerification {
    /// What a successful verification covered.
    public struct Report: Sendable, Equatable {
        /// The file's format.
        public var format: CheckpointFileFormat
        /// Tensors checked.
        public var tensorCount: Int
        /// Chunks decoded and CRC-checked (0 for safetensors, which has none).
        public var chunkCount: Int
        /// Raw bytes decoded (or read, for safetensors).
        public var rawBytes: UInt64
    }

    /// Verifies `path`; throws at the first problem with a message naming the tensor (and, from
    /// the decoder, the chunk). `progress` gets (raw bytes done, raw bytes in all).
    public static func verify(path: String,
                              progress: @escaping CheckpointConversion.ProgressHandler = { _, _ in }) throws(FormatError) -> Report {
        switch try CheckpointFileFormat.of(path) {
        case .zckpt: return try verifyCheckpoint(path, progress: progress)
        case .safetensors: return try verifySafetensors(path, progress: progress)
        }
    }

    static func verifyCheckpoint(_ path: String, progress: @escaping CheckpointConversion.ProgressHandler) throws(FormatError) -> Report {
        let reader = try CheckpointReader(path: path)
        do throws(FormatError) {
            try reader.verify(progress: progress)
        } catch {
            throw FormatError(error.kind, "\(path): \(error.message)")
        }
        let index = reader.index
        return Report(format: .zckpt, tensorCount: index.tensors.count,
                      chunkCount: index.tensors.reduce(0) { $0 + $1.chunks.count }, rawBytes: index.rawBytes)
    }

    static func verifySafetensors(_ path: String, progress: CheckpointConversion.ProgressHandler) throws(FormatError) -> Report {
        let file = try SafetensorsFile(path: path)
        let total = UInt64(file.header.dataLength)
        var done: UInt64 = 0
        progress(0, total)
        // Read the data with pread, not through the map: a file that shrank since it was opened
        // then gives an error instead of a bus error.
        let descriptor = try FileDescriptor(reading: path)
        while done < total {
            let count = Int(min(UInt64(1 << 20), total - done))
            _ = try descriptor.read(count: count, at: UInt64(file.dataStart) + done)
            done += UInt64(count)
            progress(done, total)
        }
        return Report(format: .safetensors, tensorCount: file.tensors.count, chunkCount: 0, rawBytes: total)
    }
}
