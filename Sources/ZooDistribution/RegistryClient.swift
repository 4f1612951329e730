import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// The HTTP side of the OCI distribution spec for one registry: requests with auth (anonymous,
/// basic, bearer tokens per scope), redirects, registry error bodies turned into messages.
/// `Pusher` and `Puller` build on its blob and manifest calls. Call `shutdown()` when done.
public final class RegistryClient: Sendable {
    /// `host[:port]`.
    public let registry: String
    /// `https://host[:port]` or `http://…` with `--plain-http`.
    let baseURL: String
    let options: RegistryOptions
    let http: HTTPClient
    let auth: Authenticator

    /// Longest wait for a whole request; stalls are caught sooner by the read timeout.
    static let requestDeadline: TimeAmount = .hours(12)

    /// A client for `registry` (`host[:port]`); loads `--ca-file` now so a bad file is reported
    /// before anything is sent.
    public init(registry: String, options: RegistryOptions) throws(DistributionError) {
        try RegistryReference.validateRegistry(registry)
        self.registry = registry
        self.options = options
        baseURL = (options.plainHTTP ? "http://" : "https://") + registry
        var tls = TLSConfiguration.makeClientConfiguration()
        if let caFile = options.caFile {
            let certificates: [NIOSSLCertificate]
            do { certificates = try NIOSSLCertificate.fromPEMFile(caFile) } catch {
                throw DistributionError(.usage, "--ca-file \(caFile) is not a readable PEM file of certificates (\(error)); give the CA certificate that signed the registry's")
            }
            guard !certificates.isEmpty else {
                throw DistributionError(.usage, "--ca-file \(caFile) holds no certificate; give the CA certificate (PEM) that signed the registry's")
            }
            tls.additionalTrustRoots = [.certificates(certificates)]
        }
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: tls, redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(15), read: .seconds(120)),
            connectionPool: .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: max(8, options.jobs + 2)),
            decompression: .disabled)
        // One connection per blob in flight: HTTP/2 would put every blob on one TCP stream.
        configuration.httpVersion = .http1Only
        // A refused connection fails the request at once (AHC would retry until the connect
        // timeout); `send` retries a few times itself, quickly.
        configuration.connectionPool.retryConnectionEstablishment = false
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        self.http = http
        let name = registry
        let plain = options.plainHTTP
        auth = Authenticator(registry: registry, credentials: options.credentials, store: options.credentialStore) {
            (url: String, authorization: String?) async throws(DistributionError) -> (Int, [UInt8]) in
            var request = HTTPClientRequest(url: url)
            if let authorization { request.headers.add(name: "Authorization", value: authorization) }
            do {
                let response = try await http.execute(request, timeout: .seconds(60))
                let body = try await response.body.collect(upTo: 1 << 20)
                return (Int(response.status.code), Array(buffer: body))
            } catch {
                throw RegistryClient.transportError(error, registry: name, plainHTTP: plain, what: "the token service \(url.split(separator: "?").first ?? "")")
            }
        }
    }

    /// Closes the connections.
    public func shutdown() async {
        try? await http.shutdown()
    }

    /// What a request sends.
    enum Body: Sendable {
        case none
        case bytes([UInt8])
        /// `length` bytes of a file from `offset`, read as they are sent.
        case file(path: String, offset: Int64, length: Int64, sent: (@Sendable (Int64) -> Void)?)

        /// Whether the request can simply be sent again (a file upload's session may be broken).
        var isResendable: Bool {
            if case .file = self { return false }
            return true
        }
    }

    /// A response whose body has not been read yet (stream it, or `collect` it).
    struct Reply {
        var status: Int
        var headers: HTTPHeaders
        var body: HTTPClientResponse.Body
        var url: String

        func header(_ name: String) -> String? { headers.first(name: name) }

        /// The body, up to `limit` bytes (more is an error).
        func collect(limit: Int) async throws(DistributionError) -> [UInt8] {
            do { return Array(buffer: try await body.collect(upTo: limit)) } catch {
                throw DistributionError(.registry, "the response from \(url) is larger than \(limit) bytes or broke off (\(error))")
            }
        }
    }

    /// Sends a request with the authorization its `scopes` need, answering one 401 challenge and
    /// following redirects (a redirect to another host goes without the credentials).
    /// Transport failures and 429/5xx answers of requests without a file body are retried.
    func send(_ method: HTTPMethod, _ url: String, scopes: [String], headers: [(String, String)] = [],
              body: Body = .none) async throws(DistributionError) -> Reply {
        var scopes = scopes
        var target = url
        var challenged = false
        var redirects = 0
        var failures = 0
        while true {
            let sameOrigin = RegistryClient.origin(of: target) == RegistryClient.origin(of: baseURL)
            var request = HTTPClientRequest(url: target)
            request.method = method
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            if sameOrigin, let authorization = try await auth.authorization(scopes: scopes) {
                request.headers.replaceOrAdd(name: "Authorization", value: authorization)
            }
            switch body {
            case .none:
                if method == .POST || method == .PUT || method == .PATCH { request.headers.replaceOrAdd(name: "Content-Length", value: "0") }
            case .bytes(let bytes):
                request.body = .bytes(ByteBuffer(bytes: bytes))
            case .file(let path, let offset, let length, let sent):
                request.body = .stream(FileChunks(path: path, offset: offset, length: length, sent: sent), length: .known(length))
            }
            let response: HTTPClientResponse
            do { response = try await http.execute(request, deadline: .now() + RegistryClient.requestDeadline) } catch {
                let failure = RegistryClient.transportError(error, registry: registry, plainHTTP: options.plainHTTP, what: registry)
                failures += 1
                if body.isResendable, failure.kind == .network, failures < options.attempts {
                    try await RegistryClient.pause(failures)
                    continue
                }
                throw failure
            }
            let status = Int(response.status.code)
            let reply = Reply(status: status, headers: response.headers, body: response.body, url: target)
            // A registry that is restarting or overloaded says so with 429 or 5xx; a request whose body
            // can be sent again is retried, as for a broken connection. A file body's upload is not.
            if [429, 500, 502, 503, 504].contains(status), body.isResendable, failures + 1 < options.attempts {
                _ = try? await reply.collect(limit: 1 << 16)
                failures += 1
                try await RegistryClient.pause(failures)
                continue
            }
            if status == 401 && sameOrigin {
                let text = try? await reply.collect(limit: 1 << 16)
                let challenges = response.headers["WWW-Authenticate"].flatMap(AuthChallenge.parse)
                if !challenged {
                    challenged = true
                    for c in challenges where c.scheme == "bearer" {
                        for s in c.scopes where !scopes.contains(s) { scopes.append(s) }
                    }
                    if try await auth.challenged(challenges, scopes: scopes) { continue }
                }
                let who = await auth.who()
                throw DistributionError(.auth, "\(registry) refused \(who) (HTTP 401\(Authenticator.detail(text ?? []))); check the user name and password, then run `zoo login \(registry)`")
            }
            if [301, 302, 303, 307, 308].contains(status), method == .GET || method == .HEAD, let location = reply.header("Location") {
                _ = try? await reply.collect(limit: 1 << 16)
                redirects += 1
                guard redirects <= 5 else {
                    throw DistributionError(.registry, "\(registry) redirected \(url) more than 5 times")
                }
                target = resolve(location, against: target)
                continue
            }
            return reply
        }
    }

    /// Waits a little before retrying: 0.25 s, 0.5 s, 1 s, ...
    static func pause(_ failures: Int) async throws(DistributionError) {
        let ms = 250 << min(failures - 1, 4)
        do { try await Task.sleep(for: .milliseconds(ms)) } catch {
            throw DistributionError(.network, "cancelled")
        }
    }

    /// An error for a status the spec does not allow here, with the registry's own words.
    func unexpected(_ reply: Reply, doing what: String) async -> DistributionError {
        let body = (try? await reply.collect(limit: 1 << 16)) ?? []
        let detail = Authenticator.detail(body)
        switch reply.status {
        case 403:
            let who = await auth.who()
            return DistributionError(.auth, "\(registry) denied \(who) \(what) (HTTP 403\(detail)); check that the account may do this, or run `zoo login \(registry)` with one that may")
        case 404:
            return DistributionError(.notFound, "\(registry) has nothing for \(what) (HTTP 404\(detail))")
        case 400 where String(decoding: body, as: UTF8.self).contains("HTTPS server"):
            return DistributionError(.tls, "\(registry) speaks HTTPS; leave out --plain-http")
        default:
            return DistributionError(.registry, "\(registry) answered HTTP \(reply.status) \(what)\(detail)")
        }
    }

    /// `scheme://host[:port]` of a URL.
    static func origin(of url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return "" }
        let rest = url[schemeEnd.upperBound...]
        let host = rest.prefix { $0 != "/" && $0 != "?" }
        return String(url[..<schemeEnd.upperBound] + host)
    }

    /// A `Location` header as an absolute URL (registries may send a path only).
    func resolve(_ location: String, against url: String) -> String {
        if location.hasPrefix("http://") || location.hasPrefix("https://") { return location }
        if location.hasPrefix("/") { return RegistryClient.origin(of: url) + location }
        return baseURL + "/" + location
    }

    /// `base/v2/<repository>/<rest>`.
    func url(_ repository: String, _ rest: String) -> String {
        baseURL + "/v2/" + repository + "/" + rest
    }

    /// The scope a request on `repository` needs.
    static func scope(_ repository: String, push: Bool) -> String {
        "repository:\(repository):" + (push ? "pull,push" : "pull")
    }

    /// A transport failure as the user should read it: TLS (trust, or TLS spoken to plain HTTP)
    /// or network (refused, reset, timed out).
    static func transportError(_ error: any Error, registry: String, plainHTTP: Bool, what: String) -> DistributionError {
        let text = String(describing: error)
        let lower = text.lowercased()
        if error is NIOSSLError || lower.contains("ssl") || lower.contains("certificate") || lower.contains("handshake") {
            var hint = "for a registry with a private CA pass --ca-file CA.pem; for one without TLS pass --plain-http"
            if lower.contains("wrong_version_number") || lower.contains("wrong version") { hint = "the registry does not speak TLS there: pass --plain-http" }
            return DistributionError(.tls, "TLS with \(what) failed (\(text)); \(hint)")
        }
        var why = text
        if lower.contains("connection refused") || lower.contains("econnrefused") { why = "connection refused" }
        else if lower.contains("remoteconnectionclosed") || lower.contains("connection reset") { why = "the connection was closed" }
        else if lower.contains("timeout") { why = "timed out" }
        let tip = plainHTTP ? "" : " (a registry without TLS needs --plain-http)"
        return DistributionError(.network, "cannot reach \(what): \(why); check that it is running and the address is right\(tip); a rerun continues where this stopped")
    }
}
