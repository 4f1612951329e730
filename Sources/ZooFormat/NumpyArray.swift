/// A NumPy array as a `.npy` file holds it (format versions 1.0, 2.0 and 3.0): dtype, shape and
/// the elements' bytes, little-endian, in C (row-major) order.
///
/// `parse` distrusts its input as `SafetensorsHeader` does: the header dictionary is parsed
/// strictly (exactly the keys `descr`, `fortran_order` and `shape`, Python literals only), the
/// dtype and shape are checked, and the element count × width is computed with overflow checks
/// and compared with the bytes present before anything is allocated. Big-endian and Fortran-order
/// arrays are converted to little-endian C order. See formats/data.md, "npy and npz".
public struct NumpyArray: Sendable, Equatable {
    /// Element type.
    public var dtype: NumpyDType
    /// Dimensions (empty for a scalar).
    public var shape: [Int]
    /// `count * dtype.byteWidth` bytes, little-endian, C order.
    public var data: [UInt8]

    /// The header must fit in this many bytes (NumPy writes under 200 for any ordinary array).
    public static let maxHeaderBytes = 1 << 16
    /// At most this many dimensions (NumPy's own limit is 64).
    public static let maxDimensions = 64

    /// An array over `data`, which must hold exactly the elements `shape` has.
    public init(dtype: NumpyDType, shape: [Int], data: [UInt8]) {
        precondition(shape.allSatisfy { $0 >= 0 } && data.count == shape.reduce(1, *) * dtype.byteWidth, "data does not match shape")
        self.dtype = dtype
        self.shape = shape
        self.data = data
    }

    /// A Float32 array of `shape`.
    public init(floats: [Float], shape: [Int]) {
        precondition(floats.count == shape.reduce(1, *), "values do not match shape")
        var bytes = [UInt8](repeating: 0, count: floats.count * 4)
        bytes.withUnsafeMutableBytes { out in
            for (i, v) in floats.enumerated() { out.storeBytes(of: v.bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self) }
        }
        self.init(dtype: .f4, shape: shape, data: bytes)
    }

    /// An Int64 array of `shape`.
    public init(integers: [Int], shape: [Int]) {
        precondition(integers.count == shape.reduce(1, *), "values do not match shape")
        var bytes = [UInt8](repeating: 0, count: integers.count * 8)
        bytes.withUnsafeMutableBytes { out in
            for (i, v) in integers.enumerated() { out.storeBytes(of: Int64(v).littleEndian, toByteOffset: 8 * i, as: Int64.self) }
        }
        self.init(dtype: .i8, shape: shape, data: bytes)
    }

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }

    /// Every element as Float32 (integers and float64 rounded to nearest).
    public func floats() -> [Float] {
        var out = [Float](repeating: 0, count: count)
        data.withUnsafeBytes { raw in
            for i in 0..<out.count {
                let o = i * dtype.byteWidth
                switch dtype {
                case .f2: out[i] = Float(Float16(bitPattern: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt16.self))))
                case .f4: out[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt32.self)))
                case .f8: out[i] = Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt64.self))))
                case .i1: out[i] = Float(Int8(bitPattern: raw[o]))
                case .u1, .b1: out[i] = Float(raw[o])
                case .i2: out[i] = Float(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: Int16.self)))
                case .u2: out[i] = Float(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt16.self)))
                case .i4: out[i] = Float(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: Int32.self)))
                case .u4: out[i] = Float(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt32.self)))
                case .i8: out[i] = Float(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: Int64.self)))
                case .u8: out[i] = Float(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt64.self)))
                }
            }
        }
        return out
    }

    /// Every element as an integer; floating-point arrays are refused (labels must be integers),
    /// and so are unsigned 64-bit values above `Int.max`.
    public func integers() throws(FormatError) -> [Int] {
        guard dtype.isInteger else {
            throw FormatError(.invalidArgument, "the array has dtype \(dtype.descr), not an integer type; labels must be integers (y.astype('int64'))")
        }
        var out = [Int](repeating: 0, count: count)
        var tooLarge = false
        data.withUnsafeBytes { raw in
            for i in 0..<out.count {
                let o = i * dtype.byteWidth
                switch dtype {
                case .i1: out[i] = Int(Int8(bitPattern: raw[o]))
                case .u1, .b1: out[i] = Int(raw[o])
                case .i2: out[i] = Int(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: Int16.self)))
                case .u2: out[i] = Int(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt16.self)))
                case .i4: out[i] = Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: Int32.self)))
                case .u4: out[i] = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt32.self)))
                case .i8: out[i] = Int(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: Int64.self)))
                case .u8:
                    let v = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: o, as: UInt64.self))
                    if v > UInt64(Int.max) { tooLarge = true } else { out[i] = Int(v) }
                default: break
                }
            }
        }
        if tooLarge { throw FormatError(.invalidArgument, "the array holds an unsigned value above \(Int.max)") }
        return out
    }
}
