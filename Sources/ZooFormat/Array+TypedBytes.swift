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

    /// `withUnsafeBytes` for bodies that throw `FormatError`: the standard one only rethrows
    /// untyped errors, which would lose the typed `throws(FormatError)` of its callers.
    @discardableResult
    func withUnsafeBytesTyped<R>(_ body: (UnsafeRawBufferPointer) throws(FormatError) -> R) throws(FormatError) -> R {
        let result: Result<R, FormatError> = withUnsafeBytes { raw in
            do throws(FormatError) { return .success(try body(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// `withUnsafeMutableBytes` for bodies that throw `FormatError` (see `withUnsafeBytesTyped`).
    @discardableResult
    mutating func withUnsafeMutableBytesTyped<R>(_ body: (UnsafeMutableRawBufferPointer) throws(FormatError) -> R) throws(FormatError) -> R {
        let result: Result<R, FormatError> = withUnsafeMutableBytes { raw in
            do throws(FormatError) { return .success(try body(raw)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}
