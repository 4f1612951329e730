import Foundation

/// Orders the encoding of one tensor's chunks over several threads without barriers.
///
/// Workers claim chunks in order and encode each into one of `slots` output buffers (chunk `i` uses
/// slot `i % slots`), never more than `slots` chunks ahead of the writer. Whichever worker finds
/// the next chunk in stream order encoded becomes the writer and hands it to `write` (hashing,
/// writing, recording), so at most one thread writes at a time and always in order, while the
/// others keep encoding. The first failure, of an encode or of a write, stops all workers; since
/// chunks are written in order it is the failure of the lowest chunk.
final class EncodePipeline: @unchecked Sendable {
    /// One encoded chunk: its stored bytes (in its slot's buffer) and their CRC32.
    typealias Encoded = (stored: UnsafeRawBufferPointer, crc: UInt32)

    private let condition = NSCondition()
    private let chunkCount: Int
    private let slots: Int
    private var nextClaim = 0
    private var nextWrite = 0
    private var writing = false
    private var results: [Result<Encoded, FormatError>?]
    private var failed: FormatError?

    init(chunkCount: Int, slots: Int) {
        self.chunkCount = chunkCount
        self.slots = max(1, slots)
        results = Array(repeating: nil, count: max(1, slots))
    }

    /// The first failure, once every worker has returned from `work`.
    var failure: FormatError? {
        condition.lock()
        defer { condition.unlock() }
        return failed
    }

    /// One worker's loop: write when the next chunk in order is ready and nobody is writing, else
    /// encode the next unclaimed chunk when its slot is free, else wait; return when all chunks
    /// are written or something failed.
    func work(encode: (Int) throws(FormatError) -> Encoded,
              write: (Int, UnsafeRawBufferPointer, UInt32) throws(FormatError) -> Void) {
        condition.lock()
        while failed == nil, nextWrite < chunkCount {
            let i = nextWrite
            if !writing, let ready = results[i % slots] {
                writing = true
                condition.unlock()
                var error: FormatError?
                do throws(FormatError) {
                    let encoded = try ready.get()
                    try write(i, encoded.stored, encoded.crc)
                } catch let failure {
                    error = failure
                }
                condition.lock()
                results[i % slots] = nil
                nextWrite += 1
                writing = false
                if let error, failed == nil { failed = error }
                condition.broadcast()
            } else if nextClaim < chunkCount, nextClaim < nextWrite + slots {
                let claimed = nextClaim
                nextClaim += 1
                condition.unlock()
                let result = Result { () throws(FormatError) -> Encoded in try encode(claimed) }
                condition.lock()
                results[claimed % slots] = result
                condition.broadcast()
            } else {
                condition.wait()
            }
        }
        condition.unlock()
    }
}
