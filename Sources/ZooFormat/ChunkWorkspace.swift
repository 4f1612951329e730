/// Per-worker buffers and zlib streams for encoding or decoding chunks, reused across chunks and
/// tensors (through `WorkspacePool`) so no chunk allocates.
///
/// Buffers grow only when a chunk needs them: decoding reserves the plane scratch for a chunk
/// after its CRC has been checked, so a file's claims alone never make a reader allocate.
final class ChunkWorkspace {
    /// Raw bytes of the largest chunk the plane scratch holds.
    private(set) var planesCapacity = 0
    /// Raw bytes of the largest chunk the candidate scratch holds.
    private(set) var scratchCapacity = 0
    /// Raw bytes of the largest chunk the output buffer holds.
    private(set) var outputCapacity = 0
    /// Scratch for split planes (encode) or inflated planes (decode).
    private(set) var planes = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    /// A chunk's stored bytes (encode; one per pipeline slot).
    private(set) var output = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    /// A second candidate's stored bytes (encode).
    private(set) var scratch = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    /// The fast Huffman decoder's lookup tables (built in place, `Canonical.fill`).
    let decodeTables = UnsafeMutablePointer<HuffmanDecoder.Entry>.allocate(
        capacity: HuffmanDecoder.Canonical.tablesCapacity(bits: HuffmanDecoder.tableBits))
    /// Its one-symbol companion (for the segment decoder's careful steps).
    let decodeSingles = UnsafeMutablePointer<UInt16>.allocate(capacity: 1 << HuffmanDecoder.tableBits)
    var deflater: ZlibDeflater
    var inflater: ZlibInflater

    init() throws(FormatError) {
        deflater = try ZlibDeflater()
        inflater = try ZlibInflater()
    }

    deinit {
        decodeTables.deallocate()
        decodeSingles.deallocate()
        planes.deallocate()
        output.deallocate()
        scratch.deallocate()
    }

    /// The most raw bytes this workspace's buffers hold for any use (what the pool keeps).
    var capacity: Int { max(planesCapacity, scratchCapacity, outputCapacity) }

    /// Largest stored length of a chunk of `rawBytes` raw bytes in any codec (spec §6).
    static func storedBound(_ rawBytes: Int) -> Int {
        rawBytes + rawBytes / 256 + 64 + PlanesLayout.headerSize(width: 8)
    }

    /// Makes the plane scratch large enough for a chunk of `rawBytes` raw bytes (decode).
    func reservePlanes(_ rawBytes: Int) {
        guard rawBytes > planesCapacity else { return }
        planes.deallocate()
        planes = .allocate(byteCount: rawBytes, alignment: 64)
        planesCapacity = rawBytes
    }

    /// Makes the plane and candidate scratch large enough for encoding chunks of `rawBytes`.
    func reserveScratch(_ rawBytes: Int) {
        reservePlanes(rawBytes)
        guard rawBytes > scratchCapacity else { return }
        scratch.deallocate()
        scratch = .allocate(byteCount: Self.storedBound(rawBytes), alignment: 64)
        scratchCapacity = rawBytes
    }

    /// Makes the output buffer large enough for the stored bytes of a chunk of `rawBytes`.
    func reserveOutput(_ rawBytes: Int) {
        guard rawBytes > outputCapacity else { return }
        output.deallocate()
        output = .allocate(byteCount: Self.storedBound(rawBytes), alignment: 64)
        outputCapacity = rawBytes
    }
}
