import CZlib

/// Decompression of gzip files (RFC 1952), for data files such as `digits.csv.gz`.
public enum Gzip {
    /// True when `bytes` start with the gzip magic `1f 8b`.
    public static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// Decompresses a whole gzip stream (concatenated members included).
    ///
    /// `maxOutputBytes` caps the output so a small hostile file cannot exhaust memory.
    public static func decompress(_ input: [UInt8], maxOutputBytes: Int = 1 << 30) throws(FormatError) -> [UInt8] {
        guard isGzip(input) else {
            throw FormatError(.notAFile, "not gzip data (no 1f 8b magic); pass an uncompressed file or a .gz file")
        }
        let stream = GzipInflater()
        // windowBits 16 + 15: gzip header and trailer, 32 KiB window.
        guard czlib_inflateInit2(stream.pointer, 16 + 15) == Z_OK else {
            throw FormatError(.corruptData, "zlib could not start a gzip decoder")
        }
        stream.started = true
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var consumed = 0
        var result: Int32 = Z_OK
        while true {
            let produced: Int
            (result, produced, consumed) = input.withUnsafeBufferPointer { inBuf in
                chunk.withUnsafeMutableBufferPointer { outBuf in
                    let s = stream.pointer
                    s.pointee.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress.map { $0 + consumed })
                    s.pointee.avail_in = UInt32(clamping: inBuf.count - consumed)
                    s.pointee.next_out = outBuf.baseAddress
                    s.pointee.avail_out = UInt32(outBuf.count)
                    let before = s.pointee.avail_in
                    let r = inflate(s, Z_NO_FLUSH)
                    let used = Int(before - s.pointee.avail_in)
                    return (r, outBuf.count - Int(s.pointee.avail_out), consumed + used)
                }
            }
            if output.count + produced > maxOutputBytes {
                throw FormatError(.limitExceeded, "gzip data expands beyond \(maxOutputBytes) bytes; decompress it yourself if it is really that large")
            }
            output.append(contentsOf: chunk[0..<produced])
            if result == Z_STREAM_END {
                // Another member may follow (gzip allows concatenation); trailing zero padding is ignored.
                if consumed < input.count, isGzip(Array(input[consumed...].prefix(2))) {
                    guard inflateReset(stream.pointer) == Z_OK else {
                        throw FormatError(.corruptData, "zlib could not restart for the next gzip member")
                    }
                    continue
                }
                return output
            }
            switch result {
            case Z_OK:
                continue
            case Z_BUF_ERROR where consumed >= input.count:
                throw FormatError(.truncated, "gzip data ends early at byte \(consumed); the file is incomplete")
            case Z_BUF_ERROR:
                continue
            default:
                throw FormatError(.corruptData, "gzip data is corrupt near byte \(consumed) (zlib code \(result)); fetch the file again")
            }
        }
    }
}

/// Owns a `z_stream` at a stable heap address and ends it when released.
private final class GzipInflater {
    let pointer: UnsafeMutablePointer<z_stream>
    var started = false

    init() {
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: z_stream())
    }

    deinit {
        if started { inflateEnd(pointer) }
        pointer.deinitialize(count: 1)
        pointer.deallocate()
    }
}
