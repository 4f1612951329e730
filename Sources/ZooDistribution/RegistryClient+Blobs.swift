import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import ZooRegistry

extension RegistryClient {
    /// How an upload began: the registry mounted the blob from another repository (nothing to
    /// send), or opened an upload session at this URL.
    enum UploadStart: Sendable {
        case mounted
        case session(String)
    }

    /// Whether `repository` has blob `digest` (HEAD; distribution spec, "Checking if content exists").
    func hasBlob(_ repository: String, _ digest: Digest, scopes: [String]) async throws(DistributionError) -> Bool {
        let reply = try await send(.HEAD, url(repository, "blobs/" + digest.description), scopes: scopes)
        switch reply.status {
        case 200: return true
        case 404: return false
        default: throw await unexpected(reply, doing: "checking blob \(digest.short) in \(repository)")
        }
    }

    /// Opens an upload, asking to mount the blob from `from` when given (distribution spec,
    /// "Mounting a blob from another repository"); a registry that cannot mount opens a session.
    func startUpload(_ repository: String, mount: (digest: Digest, from: String)?) async throws(DistributionError) -> UploadStart {
        var scopes = [RegistryClient.scope(repository, push: true)]
        var target = url(repository, "blobs/uploads/")
        if let mount {
            target += "?mount=\(mount.digest)&from=\(mount.from)"
            scopes.append(RegistryClient.scope(mount.from, push: false))
        }
        let reply = try await send(.POST, target, scopes: scopes)
        _ = try? await reply.collect(limit: 1 << 16)
        switch reply.status {
        case 201 where mount != nil:
            return .mounted
        case 202:
            guard let location = reply.header("Location") else {
                throw DistributionError(.registry, "\(registry) opened an upload in \(repository) without a Location")
            }
            return .session(resolve(location, against: target))
        default:
            throw await unexpected(reply, doing: "opening an upload in \(repository)")
        }
    }

    /// Sends a whole blob in one PUT to an upload session (distribution spec, "Monolithic upload").
    func putBlob(session: String, repository: String, digest: Digest, path: String, size: Int64,
                 sent: (@Sendable (Int64) -> Void)?) async throws(DistributionError) {
        let reply = try await send(.PUT, RegistryClient.appending("digest=\(digest)", to: session),
                                   scopes: [RegistryClient.scope(repository, push: true)],
                                   headers: [("Content-Type", "application/octet-stream")],
                                   body: .file(path: path, offset: 0, length: size, sent: sent))
        try await finishUpload(reply, repository: repository, digest: digest)
    }

    /// Sends a blob in chunks of `chunkSize` (PATCH with `Content-Range`, distribution spec,
    /// "Chunked upload"), then closes the session with the digest.
    func putBlobInChunks(session: String, repository: String, digest: Digest, path: String, size: Int64,
                         chunkSize: Int64, sent: (@Sendable (Int64) -> Void)?) async throws(DistributionError) {
        let scopes = [RegistryClient.scope(repository, push: true)]
        var location = session
        var offset: Int64 = 0
        while offset < size {
            let n = min(chunkSize, size - offset)
            let reply = try await send(.PATCH, location, scopes: scopes,
                                       headers: [("Content-Type", "application/octet-stream"),
                                                 ("Content-Range", "\(offset)-\(offset + n - 1)")],
                                       body: .file(path: path, offset: offset, length: n, sent: sent))
            _ = try? await reply.collect(limit: 1 << 16)
            guard reply.status == 202 else {
                throw await unexpected(reply, doing: "taking a chunk of blob \(digest.short) at byte \(offset)")
            }
            if let next = reply.header("Location") { location = resolve(next, against: location) }
            if let range = reply.header("Range"), let end = range.split(separator: "-").last.flatMap({ Int64($0) }), end != offset + n - 1 {
                throw DistributionError(.registry, "\(registry) holds bytes up to \(end) of blob \(digest.short), expected \(offset + n - 1)")
            }
            offset += n
        }
        let reply = try await send(.PUT, RegistryClient.appending("digest=\(digest)", to: location), scopes: scopes)
        try await finishUpload(reply, repository: repository, digest: digest)
    }

    private func finishUpload(_ reply: Reply, repository: String, digest: Digest) async throws(DistributionError) {
        let body = (try? await reply.collect(limit: 1 << 16)) ?? []
        guard reply.status == 201 else {
            if RegistryErrorBody.codes(body).contains("DIGEST_INVALID") {
                throw DistributionError(.corrupt, "\(registry) found that blob \(digest) does not have its digest: the store's copy is damaged; run `zoo verify`")
            }
            let detail = Authenticator.detail(body)
            if reply.status == 403 {
                let who = await auth.who()
                throw DistributionError(.auth, "\(registry) denied \(who) pushing to \(repository) (HTTP 403\(detail)); check that the account may push there")
            }
            throw DistributionError(.registry, "\(registry) refused blob \(digest.short) in \(repository) (HTTP \(reply.status)\(detail))")
        }
    }

    /// Downloads blob `digest` of `repository` into `blob`, continuing from what it holds with a
    /// range request, and again after a broken connection (up to the configured attempts).
    /// The caller checks the result with `blob.finish()`. Returns how many of the bytes an
    /// earlier pull left were kept (the registry honoured the range request for them).
    @discardableResult
    func fetchBlob(_ repository: String, into blob: IncomingBlob, received: (@Sendable (Int64) -> Void)?) async throws(DistributionError) -> Int64 {
        let scopes = [RegistryClient.scope(repository, push: false)]
        let target = url(repository, "blobs/" + blob.digest.description)
        var failures = 0
        var kept: Int64 = blob.received
        while !blob.isComplete {
            var headers: [(String, String)] = []
            let start = blob.received
            if start > 0 { headers.append(("Range", "bytes=\(start)-")) }
            let reply: Reply
            do { reply = try await send(.GET, target, scopes: scopes, headers: headers) } catch {
                throw error
            }
            switch reply.status {
            case 206:
                // Content-Range: bytes START-END/TOTAL must start where the file ends.
                let range = reply.header("Content-Range") ?? ""
                let first = range.split(separator: " ").last?.split(separator: "-").first.flatMap { Int64($0) }
                guard first == start else {
                    _ = try? await reply.collect(limit: 1 << 16)
                    do { try blob.restart() } catch { throw DistributionError(error) }
                    kept = 0
                    continue
                }
            case 200:
                if start > 0 { do { try blob.restart() } catch { throw DistributionError(error) } }
                kept = 0
            case 416:
                _ = try? await reply.collect(limit: 1 << 16)
                do { try blob.restart() } catch { throw DistributionError(error) }
                kept = 0
                continue
            case 404:
                throw DistributionError(.notFound, "\(registry)/\(repository) lists blob \(blob.digest) in a manifest but does not have it")
            default:
                throw await unexpected(reply, doing: "sending blob \(blob.digest.short)")
            }
            do {
                for try await buffer in reply.body {
                    try buffer.withUnsafeReadableBytes { (bytes) throws(StoreError) in try blob.append(bytes) }
                    received?(Int64(buffer.readableBytes))
                }
            } catch let error as StoreError {
                throw DistributionError(error)
            } catch {
                failures += 1
                let failure = RegistryClient.transportError(error, registry: registry, plainHTTP: options.plainHTTP, what: registry)
                guard failure.kind == .network, failures < options.attempts else { throw failure }
                try await RegistryClient.pause(failures)
                continue
            }
            if !blob.isComplete {
                // The body ended early without an error: ask for the rest.
                failures += 1
                guard failures < options.attempts else {
                    throw DistributionError(.network, "\(registry) ended blob \(blob.digest.short) after \(blob.received) of \(blob.size) bytes; a rerun continues it")
                }
            }
        }
        return kept
    }

    /// `url?item` or `url&item`.
    static func appending(_ item: String, to url: String) -> String {
        url + (url.contains("?") ? "&" : "?") + item
    }
}
