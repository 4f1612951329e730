/// Checks of a tensor record against formats/zckpt-v1.md, §3 "The index" and §9 "Limits". A record that
/// passes can be decoded without any arithmetic overflowing or any buffer being over-read.
extension TensorRecord {
    /// The element count of `shape`, with every limit checked (spec §9 "Limits"): at most
    /// `FormatLimits.maxDimensions` dimensions, none negative, product at most `maxElements`.
    public static func checkedElementCount(shape: [Int], name: String) throws(FormatError) -> UInt64 {
        guard shape.count <= FormatLimits.maxDimensions else {
            throw FormatError(.limitExceeded, "tensor '\(name)' has \(shape.count) dimensions; the limit is \(FormatLimits.maxDimensions)")
        }
        // The product of the non-zero dimensions is capped too, so `elementCount`'s plain product
        // can never overflow, whatever the order of the dimensions.
        var nonZero: UInt64 = 1
        var hasZero = false
        for d in shape {
            guard d >= 0 else {
                throw FormatError(.malformed, "tensor '\(name)' has a negative dimension \(d) in shape \(shape)")
            }
            if d == 0 { hasZero = true; continue }
            let (product, overflow) = nonZero.multipliedReportingOverflow(by: UInt64(d))
            guard !overflow, product <= FormatLimits.maxElements else {
                throw FormatError(.limitExceeded, "tensor '\(name)' of shape \(shape) claims more than \(FormatLimits.maxElements) elements, the limit; the file is corrupt or not for this reader")
            }
            nonZero = product
        }
        return hasZero ? 0 : nonZero
    }

    /// Validates the record on its own: name, shape, sizes, digest form and chunk table
    /// (spec §6 "Chunk table"). It does not look at `offset`, which only a file can check.
    public func validate() throws(FormatError) {
        let nameBytes = name.utf8.count
        guard nameBytes > 0, nameBytes <= FormatLimits.maxNameBytes else {
            throw FormatError(.limitExceeded, "a tensor name is \(nameBytes) bytes long; names must be 1 to \(FormatLimits.maxNameBytes) bytes")
        }
        let elements = try Self.checkedElementCount(shape: shape, name: name)
        let width = UInt64(dtype.byteWidth)
        let expected = elements * width // cannot overflow: elements <= 2^40, width <= 8
        guard expected <= FormatLimits.maxTensorRawBytes else {
            throw FormatError(.limitExceeded, "tensor '\(name)' has \(expected) raw bytes; the limit is \(FormatLimits.maxTensorRawBytes)")
        }
        guard rawBytes == expected else {
            throw FormatError(.malformed, "tensor '\(name)': shape \(shape) of \(dtype.rawValue) needs \(expected) raw bytes but raw_bytes is \(rawBytes)")
        }
        guard SHA256Digest.isValidHex(sha256) else {
            throw FormatError(.malformed, "tensor '\(name)': sha256 must be 64 lowercase hex digits")
        }
        var storedSum: UInt64 = 0
        var rawSum: UInt64 = 0
        for (i, chunk) in chunks.enumerated() {
            guard chunk.offset == storedSum else {
                let how = chunk.offset < storedSum ? "overlaps the chunk before it" : "leaves a gap after the chunk before it"
                throw FormatError(.malformed, "tensor '\(name)' chunk \(i) at stream offset \(chunk.offset) \(how) (expected offset \(storedSum)); chunks must be contiguous")
            }
            guard chunk.rawLength > 0, chunk.rawLength <= UInt64(FormatLimits.maxChunkRawBytes) else {
                throw FormatError(.limitExceeded, "tensor '\(name)' chunk \(i) has raw length \(chunk.rawLength); it must be 1 to \(FormatLimits.maxChunkRawBytes) bytes")
            }
            guard chunk.rawLength % width == 0 else {
                throw FormatError(.malformed, "tensor '\(name)' chunk \(i) has raw length \(chunk.rawLength), not a multiple of the \(width)-byte \(dtype.rawValue) element")
            }
            let maxStored = FormatLimits.maxStoredLength(rawLength: chunk.rawLength, codec: codec, width: dtype.byteWidth)
            guard chunk.storedLength <= maxStored else {
                throw FormatError(.malformed, "tensor '\(name)' chunk \(i) stores \(chunk.storedLength) bytes for \(chunk.rawLength) raw bytes; \(codec.rawValue) allows at most \(maxStored)")
            }
            let maxRaw = FormatLimits.maxRawLength(storedLength: chunk.storedLength, codec: codec, width: dtype.byteWidth)
            guard chunk.rawLength <= maxRaw || codec == .raw else {
                throw FormatError(.malformed, "tensor '\(name)' chunk \(i) claims \(chunk.rawLength) raw bytes from \(chunk.storedLength) stored bytes; \(codec.rawValue) decodes at most \(maxRaw) raw bytes from that (deflate expands at most \(FormatLimits.maxDeflateExpansion):1); the file is corrupt")
            }
            if codec == .raw, chunk.storedLength != chunk.rawLength {
                throw FormatError(.malformed, "tensor '\(name)' chunk \(i) is raw but stores \(chunk.storedLength) bytes for \(chunk.rawLength) raw bytes")
            }
            // Both sums stay below 2^44 because every term is capped and the raw sum is checked each step.
            storedSum += chunk.storedLength
            rawSum += chunk.rawLength
            guard rawSum <= rawBytes else {
                throw FormatError(.malformed, "tensor '\(name)': chunk raw lengths add up to more than its \(rawBytes) raw bytes (at chunk \(i))")
            }
        }
        guard rawSum == rawBytes else {
            throw FormatError(.malformed, "tensor '\(name)': chunk raw lengths add up to \(rawSum), but the tensor has \(rawBytes) raw bytes")
        }
        guard storedSum == storedBytes else {
            throw FormatError(.malformed, "tensor '\(name)': chunk stored lengths add up to \(storedSum), but stored_bytes is \(storedBytes)")
        }
    }
}
