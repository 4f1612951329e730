import CZlib

/// A raw-deflate (RFC 1951, no zlib header) compressor owning one heap-allocated `z_stream`,
/// reused across chunks with `deflateReset`; `deinit` ends the stream.
struct ZlibDeflater: ~Copyable {
    private let stream: UnsafeMutablePointer<z_stream>
    private var level: Int32
    private var strategy: Int32

    /// zlib's strategies as the codecs use them (formats/zckpt-v1.md, §5.3 "planes").
    enum Strategy: Int32 {
        case standard = 0 // Z_DEFAULT_STRATEGY
        case huffmanOnly = 2 // Z_HUFFMAN_ONLY
    }

    init(level: Int32 = 6, strategy: Strategy = .standard) throws(FormatError) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // memLevel 9: the largest Huffman blocks zlib makes, so fewer block headers per plane.
        let code = czlib_deflateInit2(stream, level, Z_DEFLATED, -15, 9, strategy.rawValue)
        guard code == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            try ZlibStatus.check(code == Z_OK ? Z_STREAM_ERROR : code, "starting a deflate stream")
            throw FormatError(.invalidArgument, "starting a deflate stream failed")
        }
        self.level = level
        self.strategy = strategy.rawValue
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Compresses `input` as one complete raw-deflate stream into `output`.
    /// Returns the compressed length, or nil when it does not fit in `output` (then it is not
    /// smaller than what the caller already has, which is how planes pick the smallest form).
    mutating func compress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
                           level: Int32, strategy: Strategy) throws(FormatError) -> Int? {
        try ZlibStatus.check(deflateReset(stream), "resetting a deflate stream")
        if level != self.level || strategy.rawValue != self.strategy {
            // On a freshly reset stream deflateParams only records the new settings.
            try ZlibStatus.check(deflateParams(stream, level, strategy.rawValue), "setting deflate parameters")
            self.level = level
            self.strategy = strategy.rawValue
        }
        guard let outBase = output.baseAddress, output.count > 0 else { return nil }
        stream.pointee.next_in = input.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self)) }
        stream.pointee.avail_in = UInt32(input.count)
        stream.pointee.next_out = outBase.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = UInt32(min(output.count, Int(UInt32.max)))
        let code = deflate(stream, Z_FINISH)
        if code == Z_STREAM_END { return Int(stream.pointee.total_out) }
        if code == Z_OK || code == Z_BUF_ERROR { return nil } // output full before the end
        try ZlibStatus.check(code, "deflating")
        return nil
    }
}
