/// The element types of `.npy` arrays ZooFormat reads and writes: NumPy's simple numeric types,
/// named by kind and size as in a dtype string (`'<f4'` is `f4`). Structured, string, object,
/// complex and datetime arrays are refused.
public enum NumpyDType: String, Sendable, CaseIterable, Hashable {
    case f2, f4, f8
    case i1, i2, i4, i8
    case u1, u2, u4, u8
    case b1

    /// Bytes per element.
    public var byteWidth: Int {
        switch self {
        case .i1, .u1, .b1: return 1
        case .f2, .i2, .u2: return 2
        case .f4, .i4, .u4: return 4
        case .f8, .i8, .u8: return 8
        }
    }

    /// Whether elements are integers (or booleans): the types labels may have.
    public var isInteger: Bool {
        switch self {
        case .f2, .f4, .f8: return false
        default: return true
        }
    }

    /// The dtype string NumPy writes for this type, little-endian (`'<f4'`, `'|u1'`).
    public var descr: String {
        (byteWidth == 1 ? "|" : "<") + rawValue
    }

    /// Parses a dtype string such as `<f4`, `|u1`, `>i8` or `=f8`; the byte order is returned as
    /// `bigEndian` (`=` is native, little-endian on every platform this project runs on).
    public static func parse(_ descr: String) throws(FormatError) -> (dtype: NumpyDType, bigEndian: Bool) {
        guard let first = descr.first, "<>|=".contains(first), let dtype = NumpyDType(rawValue: String(descr.dropFirst())) else {
            if descr.dropFirst().hasPrefix("U") || descr.dropFirst().hasPrefix("S") || descr.dropFirst().hasPrefix("O") || descr.dropFirst().hasPrefix("c") || descr.dropFirst().hasPrefix("M") || descr.dropFirst().hasPrefix("V") {
                throw FormatError(.invalidArgument, "the array's dtype '\(descr)' is not numeric (string, object, complex, datetime or void); save numbers, for example x.astype('float32')")
            }
            throw FormatError(.malformed, "the array's dtype '\(descr)' is not one ZooFormat reads (f2, f4, f8, i1-i8, u1-u8, b1 with a byte order)")
        }
        if first == "|" && dtype.byteWidth != 1 {
            throw FormatError(.malformed, "the dtype '\(descr)' has no byte order but \(dtype.byteWidth)-byte elements")
        }
        return (dtype, first == ">")
    }
}
