extension NumpyArray {
    /// The `.npy` magic, `\x93NUMPY`.
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]

    /// Parses a whole `.npy` file. `name` is used in messages.
    public static func parse(_ bytes: UnsafeRawBufferPointer, name: String = "array") throws(FormatError) -> NumpyArray {
        func fail(_ kind: FormatError.Kind, _ text: String) -> FormatError { FormatError(kind, "\(name): \(text)") }
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw fail(.notAFile, "not a .npy file (no \\x93NUMPY magic)")
        }
        let major = bytes[6], minor = bytes[7]
        guard (1...3).contains(major), minor == 0 else {
            throw fail(.unsupportedVersion, ".npy format version \(major).\(minor) is not one ZooFormat reads (1.0, 2.0, 3.0)")
        }
        let lengthBytes = major == 1 ? 2 : 4
        guard bytes.count >= 8 + lengthBytes else { throw fail(.truncated, "the file ends inside its header length") }
        var headerLength = 0
        for i in 0..<lengthBytes { headerLength |= Int(bytes[8 + i]) << (8 * i) }
        let start = 8 + lengthBytes
        guard headerLength <= maxHeaderBytes else {
            throw fail(.limitExceeded, "the header declares \(headerLength) bytes, over the \(maxHeaderBytes)-byte limit; the file is corrupt")
        }
        guard bytes.count - start >= headerLength else {
            throw fail(.truncated, "the file ends inside its \(headerLength)-byte header")
        }
        let headerBytes = UnsafeRawBufferPointer(rebasing: bytes[start..<(start + headerLength)])
        guard let text = String(validating: headerBytes, as: UTF8.self), major == 3 || headerBytes.allSatisfy({ $0 < 0x80 }) else {
            throw fail(.malformed, "the header is not \(major == 3 ? "UTF-8" : "ASCII") text")
        }
        let header: NumpyHeader
        do { header = try NumpyHeader.parse(text) } catch { throw fail(error.kind, error.message) }
        let dtype: NumpyDType, bigEndian: Bool
        do { (dtype, bigEndian) = try NumpyDType.parse(header.descr) } catch { throw fail(error.kind, error.message) }
        guard header.shape.count <= maxDimensions else {
            throw fail(.limitExceeded, "the array has \(header.shape.count) dimensions, more than \(maxDimensions)")
        }
        var count = 1
        for d in header.shape {
            let (p, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow else { throw fail(.limitExceeded, "the shape \(header.shape) has more elements than can be addressed") }
            count = p
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.byteWidth)
        guard !overflow else { throw fail(.limitExceeded, "the shape \(header.shape) is too large") }
        let dataStart = start + headerLength
        let present = bytes.count - dataStart
        guard present >= byteCount else {
            throw fail(.truncated, "the data has \(present) bytes but shape \(header.shape) of \(dtype.descr) needs \(byteCount); the file is truncated")
        }
        guard present == byteCount else {
            throw fail(.malformed, "the data has \(present) bytes, \(present - byteCount) more than shape \(header.shape) of \(dtype.descr) needs; the file is corrupt")
        }
        var data = [UInt8](UnsafeRawBufferPointer(rebasing: bytes[dataStart...]))
        if bigEndian && dtype.byteWidth > 1 {
            let w = dtype.byteWidth
            for e in 0..<count { data[(e * w)..<((e + 1) * w)].reverse() }
        }
        if header.fortranOrder && header.shape.count > 1 {
            data = cOrder(fromFortran: data, shape: header.shape, width: dtype.byteWidth)
        }
        return NumpyArray(dtype: dtype, shape: header.shape, data: data)
    }

    /// Parses `.npy` bytes held in an array.
    public static func parse(_ bytes: [UInt8], name: String = "array") throws(FormatError) -> NumpyArray {
        let result = bytes.withUnsafeBytes { raw in Result { () throws(FormatError) -> NumpyArray in try parse(raw, name: name) } }
        return try result.get()
    }

    /// Reorders Fortran-order (column-major) elements into C order.
    static func cOrder(fromFortran data: [UInt8], shape: [Int], width: Int) -> [UInt8] {
        let n = shape.count
        var strides = [Int](repeating: 1, count: n)
        for k in 1..<n { strides[k] = strides[k - 1] * shape[k - 1] }
        var out = [UInt8](repeating: 0, count: data.count)
        var index = [Int](repeating: 0, count: n)
        var source = 0
        let total = shape.reduce(1, *)
        for e in 0..<total {
            for b in 0..<width { out[e * width + b] = data[source * width + b] }
            // Odometer over C order: the last axis moves fastest.
            var k = n - 1
            while k >= 0 {
                index[k] += 1
                source += strides[k]
                if index[k] < shape[k] { break }
                source -= strides[k] * shape[k]
                index[k] = 0
                k -= 1
            }
        }
        return out
    }
}
