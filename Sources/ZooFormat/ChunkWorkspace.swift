/// Per-worker buffers and zlib streams for encoding or decoding chunks, reused across chunks and
/// tensors (through `WorkspacePool`) so no chunk allocates.
final class ChunkWorkspace {
    /// Raw bytes of the largest chunk these buffers hold.
    private(set) var capacity = 0
    /// Scratch for split planes (encode) or inflated planes (decode).
    private(set) var planes = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    /// A chunk's stored bytes (encode).
    private(set) var output = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    /// A second candidate's stored bytes (encode).
    private(set) var scratch = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    var deflater: ZlibDeflater
    var inflater: ZlibInflater

    init() throws(FormatError) {
        deflater = try ZlibDeflater()
        inflater = try ZlibInflater()
    }

    deinit {
        planes.deallocate()
        output.deallocate()
        scratch.deallocate()
    }

    /// Makes the buffers large enough for chunks of `rawBytes` raw bytes.
    func reserve(_ rawBytes: Int) {
        guard rawBytes > capacity else { return }
        planes.deallocate()
        output.deallocate()
        scratch.deallocate()
        let stored = rawBytes + rawBytes / 256 + 64 + PlanesLayout.headerSize(width: 8)
        planes = .allocate(byteCount: rawBytes, alignment: 64)
        output = .allocate(byteCount: stored, alignment: 64)
        scratch = .allocate(byteCount: stored, alignment: 64)
        capacity = rawBytes
    }
}
