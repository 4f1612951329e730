/// `withUnsafeBytes` for byte arrays with typed throws: the standard library's version rethrows
/// untyped errors, which would widen `throws(FormatError)` to `any Error`.
extension Array where Element == UInt8 {
    func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws(FormatError) -> R) throws(FormatError) -> R {
        let result = withUnsafeBytes { raw in Result { () throws(FormatError) -> R in try body(raw) } }
        return try result.get()
    }

    mutating func withMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws(FormatError) -> R) throws(FormatError) -> R {
        let result = withUnsafeMutableBytes { raw in Result { () throws(FormatError) -> R in try body(raw) } }
        return try result.get()
    }
}

extension Array {
    /// `withUnsafeBytes` for arrays of any element, keeping the closure's error type.
    func withTypedBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        let result = withUnsafeBytes { raw in Result { () throws(E) -> R in try body(raw) } }
        return try result.get()
    }

    /// `withUnsafeMutableBufferPointer` keeping the closure's error type.
    mutating func withTypedMutableBuffer<R, E: Error>(_ body: (inout UnsafeMutableBufferPointer<Element>) throws(E) -> R) throws(E) -> R {
        let result = withUnsafeMutableBufferPointer { buffer in Result { () throws(E) -> R in try body(&buffer) } }
        return try result.get()
    }
}
