/// Reads a `.zckpt` file: opening reads only the preamble, footer and index; tensor data is read on
/// demand through a memory map, and every chunk's CRC is checked as it is decoded.
///
/// A file truncated or rewritten by another process while it is open gives an `io` error naming
/// it, never a signal: every read of the map is followed by `checkUnchanged` (`MappedFile`).
/// Who reads `stream(of:)` or `mappedRaw` themselves calls `checkUnchanged` once done.
public final class CheckpointReader {
    /// The file's format version.
    public let version: FormatVersion
    /// The validated index.
    public let index: CheckpointIndex
    /// The path the reader opened.
    public let path: String
    /// The file's size in bytes.
    public let fileSize: UInt64

    private let map: MappedFile
    /// Where tensor streams may lie: from the end of the preamble to the start of the index.
    private let dataEnd: UInt64
    private let positions: [String: Int]

    /// Opens `path`: checks magic, version, footer CRC, index size, index CRC, then validates the
    /// index and the stream layout (formats/zckpt-v1.md, §10 "Reading a file").
    public init(path: String) throws(FormatError) {
        self.path = path
        let file = try FileDescriptor(reading: path)
        let size = try file.size()
        fileSize = size
        let minimum = UInt64(FormatLimits.preambleSize + FormatLimits.footerSize)
        let magic = CheckpointLayout.magic
        let head = try file.read(count: Int(min(size, UInt64(FormatLimits.preambleSize))), at: 0)
        guard head.count >= magic.count, Array(head[0..<magic.count]) == magic else {
            throw FormatError(.notAFile, "\(path): not a .zckpt file (it does not start with the .zckpt magic bytes)")
        }
        guard size >= minimum else {
            throw FormatError(.truncated, "\(path): the file has \(size) bytes, fewer than the \(minimum) of the smallest .zckpt file; it is truncated")
        }
        let preambleVersion = FormatVersion(major: CheckpointLayout.read(head, at: 8, as: UInt16.self),
                                            minor: CheckpointLayout.read(head, at: 10, as: UInt16.self))
        try Self.checkMajor(preambleVersion, path)

        // Spec §2.3 "Footer": the last 12 bytes (major, minor, magic) mean the same in every major version.
        let footer = try file.read(count: FormatLimits.footerSize, at: size - UInt64(FormatLimits.footerSize))
        guard Array(footer[32..<40]) == magic else {
            throw FormatError(.truncated, "\(path): the file does not end with the .zckpt footer; it is truncated or was not completely written")
        }
        let footerVersion = FormatVersion(major: CheckpointLayout.read(footer, at: 28, as: UInt16.self),
                                          minor: CheckpointLayout.read(footer, at: 30, as: UInt16.self))
        try Self.checkMajor(footerVersion, path)
        let footerCRC = CheckpointLayout.read(footer, at: 0, as: UInt32.self)
        let computedFooterCRC = CRC32.checksum(Array(footer[4...]))
        guard footerCRC == computedFooterCRC else {
            throw FormatError(.checksumMismatch, "\(path): footer CRC32 is \(TensorCodec.hex32(computedFooterCRC)) but the footer says \(TensorCodec.hex32(footerCRC)); the footer is corrupt")
        }
        guard footerVersion == preambleVersion else {
            throw FormatError(.malformed, "\(path): the preamble says format \(preambleVersion) but the footer says \(footerVersion)")
        }
        version = footerVersion

        let indexOffset = CheckpointLayout.read(footer, at: 8, as: UInt64.self)
        let indexLength = CheckpointLayout.read(footer, at: 16, as: UInt64.self)
        let indexCRC = CheckpointLayout.read(footer, at: 24, as: UInt32.self)
        guard indexLength <= UInt64(FormatLimits.maxIndexBytes) else {
            throw FormatError(.limitExceeded, "\(path): the index is \(indexLength) bytes; the limit is \(FormatLimits.maxIndexBytes)")
        }
        let footerStart = size - UInt64(FormatLimits.footerSize)
        guard indexOffset >= UInt64(FormatLimits.preambleSize), indexOffset <= footerStart,
              indexLength == footerStart - indexOffset else {
            throw FormatError(.malformed, "\(path): the footer places the index at \(indexOffset) with \(indexLength) bytes, but it must end where the footer starts (\(footerStart))")
        }
        let json = try file.read(count: Int(indexLength), at: indexOffset)
        let computedIndexCRC = CRC32.checksum(json)
        guard computedIndexCRC == indexCRC else {
            throw FormatError(.checksumMismatch, "\(path): index CRC32 is \(TensorCodec.hex32(computedIndexCRC)) but the footer says \(TensorCodec.hex32(indexCRC)); the index is corrupt")
        }
        let index: CheckpointIndex
        do {
            index = try json.withBytes { (raw) throws(FormatError) in try CheckpointIndex(jsonBytes: raw) }
        } catch {
            throw FormatError(error.kind, "\(path): \(error.message)")
        }
        try Self.checkLayout(index, dataEnd: indexOffset, path: path)
        self.index = index
        dataEnd = indexOffset
        var positions: [String: Int] = [:]
        for (i, record) in index.tensors.enumerated() { positions[record.name] = i }
        self.positions = positions
        map = try MappedFile(file, size: Int(size))
    }

    /// The record of the tensor named `name`, if there is one.
    public func record(named name: String) -> TensorRecord? {
        positions[name].map { index.tensors[$0] }
    }

    /// The stored bytes of `record`'s stream (valid while the reader lives).
    public func stream(of record: TensorRecord) throws(FormatError) -> UnsafeRawBufferPointer {
        guard let offset = record.offset, offset >= UInt64(FormatLimits.preambleSize), offset <= dataEnd,
              record.storedBytes <= dataEnd - offset else {
            throw FormatError(.invalidArgument, "tensor '\(record.name)' has no stream inside \(path)")
        }
        let start = Int(offset)
        return UnsafeRawBufferPointer(rebasing: map.bytes[start..<(start + Int(record.storedBytes))])
    }

    /// Decodes the named tensor's raw bytes (checking every chunk CRC). Memory follows the chunks
    /// as they verify (`TensorCodec.decode(record:stream:checkDigest:)`), not the index's claims.
    public func decode(_ name: String, checkDigest: Bool = false) throws(FormatError) -> [UInt8] {
        let record = try self.record(required: name)
        return try map.guarded { () throws(FormatError) in
            try TensorCodec.decode(record: record, stream: stream(of: record), checkDigest: checkDigest)
        }
    }

    /// Decodes `record` (one of this file's) into `output`, exactly `record.rawBytes` long.
    public func decode(_ record: TensorRecord, into output: UnsafeMutableRawBufferPointer,
                       checkDigest: Bool = false) throws(FormatError) {
        try map.guarded { () throws(FormatError) in
            try TensorCodec.decode(record: record, stream: stream(of: record), into: output, checkDigest: checkDigest)
        }
    }

    /// The named raw-codec tensor's bytes straight from the memory map, without copying, after
    /// checking its chunk CRCs. Call `checkUnchanged` after using them.
    public func mappedRaw(_ name: String) throws(FormatError) -> UnsafeRawBufferPointer {
        let record = try self.record(required: name)
        guard record.codec == .raw else {
            throw FormatError(.invalidArgument, "tensor '\(name)' is stored with codec \(record.codec.rawValue); only raw tensors can be mapped, decode it instead")
        }
        let bytes = try stream(of: record)
        try map.guarded { () throws(FormatError) in
            for (i, chunk) in record.chunks.enumerated() {
                let piece = UnsafeRawBufferPointer(rebasing: bytes[Int(chunk.offset)..<Int(chunk.offset + chunk.storedLength)])
                let crc = CRC32.checksum(piece)
                guard crc == chunk.crc32 else {
                    throw FormatError(.checksumMismatch, "tensor '\(name)' chunk \(i): CRC32 of the stored bytes is \(TensorCodec.hex32(crc)) but the index says \(TensorCodec.hex32(chunk.crc32)); the file is corrupt, restore it from its source")
                }
            }
        }
        return bytes
    }

    /// Throws `io` naming the file when it was truncated or rewritten since it was opened. Whoever
    /// reads `stream(of:)` or `mappedRaw` bytes calls this after the last read and on any error.
    public func checkUnchanged() throws(FormatError) {
        try map.checkUnchanged()
    }

    /// `body` (which reads tensor data), then `checkUnchanged`; on an error from `body`, a changed
    /// file is reported instead.
    @discardableResult
    public func guarded<T>(_ body: () throws(FormatError) -> T) throws(FormatError) -> T {
        try map.guarded(body)
    }

    private func record(required name: String) throws(FormatError) -> TensorRecord {
        guard let record = record(named: name) else {
            throw FormatError(.invalidArgument, "\(path) has no tensor named '\(name)'")
        }
        return record
    }

    private static func checkMajor(_ version: FormatVersion, _ path: String) throws(FormatError) {
        guard version.major == FormatVersion.current.major else {
            throw FormatError(.unsupportedVersion, "\(path) is format \(version); this reader reads format \(FormatVersion.current.major).x (it writes \(FormatVersion.current)); use a ModelZoo that reads format \(version.major)")
        }
    }

    /// Spec §2.2 "Stream layout": every stream lies between the preamble and the index, starts at a
    /// multiple of 64, and starts at or after the end of the stream before it.
    private static func checkLayout(_ index: CheckpointIndex, dataEnd: UInt64, path: String) throws(FormatError) {
        var previousEnd = UInt64(FormatLimits.preambleSize)
        var previousName = "the preamble"
        for record in index.tensors {
            guard let offset = record.offset else {
                throw FormatError(.malformed, "\(path): tensor '\(record.name)' has no offset")
            }
            guard offset % UInt64(FormatLimits.streamAlignment) == 0 else {
                throw FormatError(.malformed, "\(path): tensor '\(record.name)' starts at \(offset), not a multiple of \(FormatLimits.streamAlignment)")
            }
            guard offset >= previousEnd else {
                throw FormatError(.malformed, "\(path): tensor '\(record.name)' at \(offset) overlaps \(previousName), which ends at \(previousEnd); streams must not overlap and must be in file order")
            }
            guard offset <= dataEnd, record.storedBytes <= dataEnd - offset else {
                throw FormatError(.malformed, "\(path): tensor '\(record.name)' (\(record.storedBytes) bytes at \(offset)) runs past the start of the index at \(dataEnd)")
            }
            previousEnd = offset + record.storedBytes
            previousName = "tensor '\(record.name)'"
        }
    }
}
