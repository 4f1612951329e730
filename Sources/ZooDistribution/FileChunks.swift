import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A region of a file as a stream of buffers (1 MiB each), read as a request body is sent, so a
/// large blob never sits in memory whole.
struct FileChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer

    let path: String
    let offset: Int64
    let length: Int64
    /// Called with the size of each buffer handed to the connection.
    let sent: (@Sendable (Int64) -> Void)?

    static let chunk = 1 << 20

    /// The open file; closed when the last iterator holding it goes.
    final class Handle {
        let fd: Int32
        init(path: String) throws(DistributionError) {
            fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                throw DistributionError(.store, "cannot open \(path): \(String(cString: strerror(errno))); run `zoo verify`")
            }
        }
        deinit { close(fd) }
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        let source: FileChunks
        var handle: Handle?
        var position: Int64
        let end: Int64

        mutating func next() async throws -> ByteBuffer? {
            guard position < end else { return nil }
            if handle == nil { handle = try Handle(path: source.path) }
            guard let fd = handle?.fd else { return nil }
            let n = Int(Swift.min(Int64(FileChunks.chunk), end - position))
            var buffer = ByteBufferAllocator().buffer(capacity: n)
            var failure: Int32 = 0
            let at = position
            let got = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: n) { target in
                var done = 0
                while done < n {
                    let r = pread(fd, target.baseAddress.map { $0 + done }, n - done, off_t(at) + off_t(done))
                    if r < 0 && errno == EINTR { continue }
                    if r <= 0 { failure = r < 0 ? errno : -1; break }
                    done += r
                }
                return done
            }
            guard failure == 0, got == n else {
                let why = failure > 0 ? String(cString: strerror(failure)) : "the file is shorter than its descriptor says"
                throw DistributionError(.store, "cannot read \(source.path): \(why); run `zoo verify`")
            }
            position += Int64(n)
            source.sent?(Int64(n))
            return buffer
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(source: self, handle: nil, position: offset, end: offset + length)
    }
}
