import CZlib

/// A raw-deflate decompressor owning one heap-allocated `z_stream`, reused with `inflateReset`;
/// `deinit` ends the stream.
struct ZlibInflater: ~Copyable {
    private let stream: UnsafeMutablePointer<z_stream>

    init() throws(FormatError) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let code = czlib_inflateInit2(stream, -15)
        guard code == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            try ZlibStatus.check(code == Z_OK ? Z_STREAM_ERROR : code, "starting an inflate stream")
            throw FormatError(.invalidArgument, "starting an inflate stream failed")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Inflates `input`, which must be one complete raw-deflate stream, into exactly
    /// `output.count` bytes. Anything else (more or fewer bytes, trailing input) is `corruptData`.
    mutating func decompress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
                             context: @autoclosure () -> String) throws(FormatError) {
        try ZlibStatus.check(inflateReset(stream), context())
        var probe: UInt8 = 0
        stream.pointee.next_in = input.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self)) }
        stream.pointee.avail_in = UInt32(input.count)
        let (code, tooLong) = withUnsafeMutablePointer(to: &probe) { one -> (Int32, Bool) in
            stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: Bytef.self) ?? one
            stream.pointee.avail_out = UInt32(output.count)
            let code = inflate(stream, Z_FINISH)
            guard code != Z_STREAM_END, stream.pointee.avail_out == 0 else { return (code, false) }
            // Output is full but the stream has not ended: one more byte tells "exact" from "too long".
            stream.pointee.next_out = one
            stream.pointee.avail_out = 1
            let again = inflate(stream, Z_FINISH)
            return (again, stream.pointee.avail_out == 0)
        }
        if tooLong {
            throw FormatError(.corruptData, "\(context()): decodes to more bytes than its declared raw length \(output.count); the file is corrupt")
        }
        if code == Z_STREAM_END {
            guard Int(stream.pointee.total_out) == output.count else {
                throw FormatError(.corruptData, "\(context()): decodes to \(stream.pointee.total_out) bytes, not its declared raw length \(output.count); the file is corrupt")
            }
            guard stream.pointee.avail_in == 0 else {
                throw FormatError(.corruptData, "\(context()): has \(stream.pointee.avail_in) bytes after the end of its deflate stream; the file is corrupt")
            }
            return
        }
        if code == Z_OK || code == Z_BUF_ERROR {
            throw FormatError(.corruptData, "\(context()): the deflate stream ends before its declared raw length \(output.count); the file is corrupt")
        }
        try ZlibStatus.check(code, context())
    }
}
