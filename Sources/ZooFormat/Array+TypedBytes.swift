extension Array where Element == UInt8 {
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
