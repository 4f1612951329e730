@testable import ZooFormat

/// Makes a mutated `.zckpt` consistent again where mutations could never get through by chance:
/// the index length, the index CRC, every chunk CRC (when the index parses) and the footer CRC.
/// Without this nearly every input would stop at a checksum and the decoders would never run.
///
/// Byte 63 of the preamble is reserved (readers ignore it, formats/zckpt-v1.md §2.1); the harness
/// reads it as a switch: bit 0 set leaves the input exactly as it is, so the checksum and
/// footer checks themselves are fuzzed too.
enum CheckpointFixup {
    static let preamble = FormatLimits.preambleSize
    static let footer = FormatLimits.footerSize

    /// The fixed-up file; the input unchanged when it is too short or its footer points nowhere.
    static func fix(_ input: [UInt8]) -> [UInt8] {
        guard input.count >= preamble + footer, input[preamble - 1] & 1 == 0 else { return input }
        let footerStart = input.count - footer
        let indexOffset = Int(clamping: read64(input, footerStart + 8))
        guard indexOffset >= preamble, indexOffset <= footerStart else { return input }
        var data = Array(input[..<indexOffset])
        var index = Array(input[indexOffset..<footerStart])
        var tail = Array(input[footerStart...])
        if var parsed = index.withUnsafeBytes({ try? CheckpointIndex(jsonBytes: $0) }) {
            for t in parsed.tensors.indices {
                let record = parsed.tensors[t]
                guard let offset = record.offset else { continue }
                for c in record.chunks.indices {
                    let chunk = record.chunks[c]
                    let (start, o1) = offset.addingReportingOverflow(chunk.offset)
                    let (end, o2) = start.addingReportingOverflow(chunk.storedLength)
                    guard !o1, !o2, end <= UInt64(data.count) else { continue }
                    parsed.tensors[t].chunks[c].crc32 = CRC32.checksum(Array(data[Int(start)..<Int(end)]))
                }
            }
            if let json = try? parsed.jsonBytes() { index = json }
        }
        // The index sits right before the footer; the footer says where and how long.
        data += index
        write64(&tail, 8, UInt64(indexOffset))
        write64(&tail, 16, UInt64(index.count))
        write32(&tail, 24, CRC32.checksum(index))
        write32(&tail, 0, CRC32.checksum(Array(tail[4...])))
        return data + tail
    }

    static func read64(_ b: [UInt8], _ at: Int) -> UInt64 {
        (0..<8).reduce(UInt64(0)) { $0 | UInt64(b[at + $1]) << (8 * $1) }
    }

    static func write64(_ b: inout [UInt8], _ at: Int, _ v: UInt64) {
        for i in 0..<8 { b[at + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) }
    }

    static func write32(_ b: inout [UInt8], _ at: Int, _ v: UInt32) {
        for i in 0..<4 { b[at + i] = UInt8(truncatingIfNeeded: v >> (8 * i)) }
    }
}
