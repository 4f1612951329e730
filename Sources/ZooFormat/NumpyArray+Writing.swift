extension NumpyArray {
    /// The array as a `.npy` file, byte for byte what `numpy.save` writes: format 1.0 (2.0 when the
    /// header would not fit), the header dictionary in NumPy's spelling, padded with spaces to a
    /// multiple of 64 bytes and ended by a newline, then the data.
    public func serialized() -> [UInt8] {
        let shapeText: String
        switch shape.count {
        case 0: shapeText = "()"
        case 1: shapeText = "(\(shape[0]),)"
        default: shapeText = "(" + shape.map(String.init).joined(separator: ", ") + ")"
        }
        let dict = Array("{'descr': '\(dtype.descr)', 'fortran_order': False, 'shape': \(shapeText), }".utf8)
        var major: UInt8 = 1
        var lengthBytes = 2
        var total = 6 + 2 + lengthBytes + dict.count + 1
        var padded = (total + 63) / 64 * 64
        if padded - 10 > 0xFFFF {
            major = 2
            lengthBytes = 4
            total = 6 + 2 + lengthBytes + dict.count + 1
            padded = (total + 63) / 64 * 64
        }
        let headerLength = padded - 8 - lengthBytes
        var out = NumpyArray.magic
        out.reserveCapacity(padded + data.count)
        out += [major, 0]
        for i in 0..<lengthBytes { out.append(UInt8(truncatingIfNeeded: headerLength >> (8 * i))) }
        out += dict
        out += [UInt8](repeating: 0x20, count: headerLength - dict.count - 1)
        out.append(0x0A)
        out += data
        return out
    }
}
