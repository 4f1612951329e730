/// A `torch.dtype` as a checkpoint's pickle names it (`torch.float32`, the typed storages'
/// element types), with the zoo `DType` it maps to when zoo can store it.
public enum PyTorchDType: String, Sendable, CaseIterable {
    case float64, float32, float16, bfloat16
    case int64, int32, int16, int8, uint8, bool
    case complex32, complex64, complex128
    case qint8, quint8, qint32, quint4x2

    /// The zoo dtype, or nil for the complex and quantized types zoo cannot store.
    public var dtype: DType? {
        switch self {
        case .float64: return .f64
        case .float32: return .f32
        case .float16: return .f16
        case .bfloat16: return .bf16
        case .int64: return .i64
        case .int32: return .i32
        case .int16: return .i16
        case .int8: return .i8
        case .uint8: return .u8
        case .bool: return .bool
        case .complex32, .complex64, .complex128, .qint8, .quint8, .qint32, .quint4x2: return nil
        }
    }

    /// The storage class `torch.save` names for this element type (`FloatStorage`), as
    /// `torch/storage.py` lists them.
    public var storageClass: String {
        switch self {
        case .float64: return "DoubleStorage"
        case .float32: return "FloatStorage"
        case .float16: return "HalfStorage"
        case .bfloat16: return "BFloat16Storage"
        case .int64: return "LongStorage"
        case .int32: return "IntStorage"
        case .int16: return "ShortStorage"
        case .int8: return "CharStorage"
        case .uint8: return "ByteStorage"
        case .bool: return "BoolStorage"
        case .complex32: return "ComplexHalfStorage"
        case .complex64: return "ComplexFloatStorage"
        case .complex128: return "ComplexDoubleStorage"
        case .qint8: return "QInt8Storage"
        case .quint8: return "QUInt8Storage"
        case .qint32: return "QInt32Storage"
        case .quint4x2: return "QUInt4x2Storage"
        }
    }

    /// The type whose storage class is `name`, if any.
    static func forStorageClass(_ name: String) -> PyTorchDType? {
        allCases.first { $0.storageClass == name }
    }
}
