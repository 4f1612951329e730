#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks a checkpoint file end to end: for `.zckpt`, decodes every tensor and checks every chunk's
/// CRC32 and every tensor's SHA-256; for safetensors (which has no checksums), validates the header
/// and layout and reads every byte.
public enum CheckpointVerification {
    /// What a successful verification covered.
    public struct Report: Sendable, Equatable {
        public var format: CheckpointFileFormat
        public var tensorCount: Int
        public var chunkCount: Int
        public var rawBytes: UInt64
    }

    /// Verifies `path`; throws at the first problem with a message naming the tensor (and, from
    /// the decoder, the chunk). `progress` gets (raw bytes done, raw bytes in all).
    public static func verify(path: String,
                              progress: CheckpointConversion.ProgressHandler = { _, _ in }) throws(FormatError) -> Report {
        switch try CheckpointFileFormat.of(path) {
        case .zckpt: return try verifyCheckpoint(path, progress: progress)
        case .safetensors: return try verifySafetensors(path, progress: progress)
        }
    }

    static func verifyCheckpoint(_ path: String, progress: CheckpointConversion.ProgressHandler) throws(FormatError) -> Report {
        let reader = try CheckpointReader(path: path)
        let total = reader.index.rawBytes
        var done: UInt64 = 0
        var chunks = 0
        progress(0, total)
        for record in reader.index.tensors {
            do throws(FormatError) {
                let stream = try reader.stream(of: record)
                guard record.rawBytes <= UInt64(Int.max) else {
                    throw FormatError(.limitExceeded, "it claims \(record.rawBytes) raw bytes, more than this machine can address")
                }
                let output = UnsafeMutableRawBufferPointer.allocate(byteCount: Int(record.rawBytes), alignment: 64)
                defer { output.deallocate() }
                try TensorCodec.decode(record: record, stream: stream, into: output, checkDigest: true)
            } catch {
                throw FormatError(error.kind, "\(path): tensor '\(record.name)': \(error.message)")
            }
            chunks += record.chunks.count
            done += record.rawBytes
            progress(done, total)
        }
        return Report(format: .zckpt, tensorCount: reader.index.tensors.count, chunkCount: chunks, rawBytes: total)
    }

    static func verifySafetensors(_ path: String, progress: CheckpointConversion.ProgressHandler) throws(FormatError) -> Report {
        let file = try SafetensorsFile(path: path)
        let total = UInt64(file.header.dataLength)
        var done: UInt64 = 0
        progress(0, total)
        // Read the data with pread, not through the map: a file that shrank since it was opened
        // then gives an error instead of a bus error.
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw FormatError(.io, "cannot open \(path): \(String(cString: strerror(code)))")
        }
        defer { close(fd) }
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)
        defer { block.deallocate() }
        while done < total {
            let count = Int(min(UInt64(block.count), total - done))
            try SafetensorsFile.readExactly(fd, into: UnsafeMutableRawBufferPointer(rebasing: block[0..<count]),
                                            at: file.dataStart + Int(done), path: path)
            done += UInt64(count)
            progress(done, total)
        }
        return Report(format: .safetensors, tensorCount: file.tensors.count, chunkCount: 0, rawBytes: total)
    }
}
