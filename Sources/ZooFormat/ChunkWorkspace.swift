/// Per-worker buffers and zlib streams for encoding or decoding chunks, reused across chunks and
/// tensors (through `WorkspacePool`) so no chunk allocates.
///
/// Buffers grow only when a chunk needs them: decoding reserves the plane scratch for a chunk
/// after its CRC has been checked, so a file's claims alone never make a reader allocate.
final class ChunkWorkspace {
    /// Raw bytes of the largest chunk the plane scratch holds.
    private(set) var planesCapacity = 0
    /// Raw bytes of the largest chunk the encode buffers hold.
    private(set) var encodeCapacity = 0
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

    /// The most raw bytes this workspace's buffers hold for any use (what the pool keeps).
    var capacity: Int { max(planesCapacity, encodeCapacity) }

    /// Makes the plane scratch large enough for a chunk of `rawBytes` raw bytes (decode).
    func reservePlanes(_ rawBytes: Int) {
        guard rawBytes > planesCapacity else { return }
        planes.deallocate()
        planes = .allocate(byteCount: rawBytes, alignment: 64)
        planesCapacity = rawBytes
    }

    /// Makes every buffer large enough for encoding chunks of `rawBytes` raw bytes.
    func reserve(_ rawBytes: Int) {
        reservePlanes(rawBytes)
        guard rawBytes > encodeCapacity else { return }
        output.deallocate()
        scratch.deallocate()
        let stored = rawBytes + rawBytes / 256 + 64 + PlanesLayout.headerSize(width: 8)
        output = .allocate(byteCount: stored, alignment: 64)
        scratch = .allocate(byteCount: stored, alignment: 64)
        encodeCapacity = rawBytes
    }
}
