import CFuzzZlib

/// zlib's own judgement of a raw-deflate stream, for the differential targets: the stream must
/// end (Z_STREAM_END) with exactly `length` bytes out and no input left over. Independent of
/// ZooFormat's decoders: one `inflate` call with Z_FINISH into a buffer one byte too large.
enum ReferenceInflate {
    struct Outcome {
        var bytes: [UInt8]?
        /// zlib's message when it called the data invalid (nil for a short or long stream).
        var message: String?
    }

    static func inflate(_ input: [UInt8], length: Int) -> Outcome {
        var stream = z_stream()
        guard cfuzz_inflateInit2(&stream, -15) == Z_OK else { FuzzCheck.fail("zlib's inflateInit2 failed") }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: length + 1)
        var input = input
        let code: Int32 = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = UInt32(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = UInt32(outBuffer.count)
                return CFuzzZlib.inflate(&stream, Z_FINISH)
            }
        }
        guard code == Z_STREAM_END, Int(stream.total_out) == length, stream.avail_in == 0 else {
            return Outcome(bytes: nil, message: code == Z_DATA_ERROR ? stream.msg.map { String(cString: $0) } : nil)
        }
        return Outcome(bytes: Array(output[..<length]), message: nil)
    }
}
