import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import ZooRegistry

extension RegistryClient {
    /// The media types a manifest GET accepts: OCI manifests and indexes, and Docker's v2 forms
    /// (an index or a Docker image is reported as such, not imported).
    static let manifestAccept = [
        MediaType.manifest, MediaType.index,
        "application/vnd.docker.distribution.manifest.v2+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
    ].joined(separator: ", ")

    /// Largest manifest accepted (the limit Distribution and most registries enforce).
    static let manifestLimit = 4 << 20

    /// A manifest as the registry holds it: its exact bytes, media type and digest (computed here;
    /// when the reference or the registry names a digest, it must be this one).
    struct FetchedManifest: Sendable {
        var bytes: [UInt8]
        var mediaType: String
        var digest: Digest
    }

    /// Checks that the registry speaks the distribution API and learns how it wants to be authenticated.
    func ping() async throws(DistributionError) {
        let reply = try await send(.GET, baseURL + "/v2/", scopes: [])
        let body = (try? await reply.collect(limit: 1 << 16)) ?? []
        switch reply.status {
        case 200: await auth.markAnonymous()
        case 400 where String(decoding: body, as: UTF8.self).contains("HTTPS server"):
            throw DistributionError(.tls, "\(registry) speaks HTTPS; leave out --plain-http")
        case 404:
            throw DistributionError(.registry, "\(registry) does not serve the OCI distribution API (no /v2/); check the address")
        default:
            throw DistributionError(.registry, "\(registry) answered HTTP \(reply.status) at /v2/\(Authenticator.detail(body))")
        }
    }

    /// Checks the credentials in use: for token auth, a token is fetched with them; for basic
    /// auth, `/v2/` must answer 200. Returns false when the registry needs no credentials.
    public func checkLogin() async throws(DistributionError) -> Bool {
        try await ping()
        switch await auth.mode {
        case .anonymous, .unknown:
            return false
        case .basic, .bearer:
            _ = try await auth.authorization(scopes: [])
            let reply = try await send(.GET, baseURL + "/v2/", scopes: [])
            _ = try? await reply.collect(limit: 1 << 16)
            guard reply.status == 200 else { throw await unexpected(reply, doing: "at /v2/ with the credentials") }
            return true
        }
    }

    /// Fetches manifest `reference` (a tag or `sha256:…`) of `repository`; `.notFound` when the
    /// registry has none.
    func manifest(_ repository: String, _ reference: String) async throws(DistributionError) -> FetchedManifest {
        let reply = try await send(.GET, url(repository, "manifests/" + reference),
                                   scopes: [RegistryClient.scope(repository, push: false)],
                                   headers: [("Accept", RegistryClient.manifestAccept)])
        guard reply.status == 200 else {
            if reply.status == 404 {
                let body = (try? await reply.collect(limit: 1 << 16)) ?? []
                throw DistributionError(.notFound, "\(registry)/\(repository) has no manifest \(reference)\(Authenticator.detail(body)); check the repository and tag")
            }
            throw await unexpected(reply, doing: "sending manifest \(reference) of \(repository)")
        }
        let bytes = try await reply.collect(limit: RegistryClient.manifestLimit)
        let digest = Digest(of: bytes)
        if reference.hasPrefix("sha256:"), reference != digest.description {
            throw DistributionError(.corrupt, "\(registry)/\(repository) sent manifest \(reference) with other content (its digest is \(digest)); refused")
        }
        if let named = reply.header("Docker-Content-Digest"), named.hasPrefix("sha256:"), named != digest.description {
            throw DistributionError(.corrupt, "\(registry)/\(repository) says manifest \(reference) is \(named) but sent content with digest \(digest); refused")
        }
        let type = reply.header("Content-Type").map { String($0.split(separator: ";").first ?? "") } ?? ""
        return FetchedManifest(bytes: bytes, mediaType: type, digest: digest)
    }

    /// Puts manifest `bytes` under `reference` (a tag, or its digest) in `repository`.
    func putManifest(_ repository: String, _ reference: String, bytes: [UInt8], mediaType: String) async throws(DistributionError) {
        let reply = try await send(.PUT, url(repository, "manifests/" + reference),
                                   scopes: [RegistryClient.scope(repository, push: true)],
                                   headers: [("Content-Type", mediaType)], body: .bytes(bytes))
        let body = (try? await reply.collect(limit: 1 << 16)) ?? []
        guard reply.status == 201 || reply.status == 200 else {
            let detail = Authenticator.detail(body)
            if reply.status == 403 {
                let who = await auth.who()
                throw DistributionError(.auth, "\(registry) denied \(who) pushing to \(repository) (HTTP 403\(detail))")
            }
            throw DistributionError(.registry, "\(registry) refused manifest \(reference) in \(repository) (HTTP \(reply.status)\(detail))")
        }
        let digest = Digest(of: bytes)
        if let named = reply.header("Docker-Content-Digest"), named.hasPrefix("sha256:"), named != digest.description {
            throw DistributionError(.registry, "\(registry) stored manifest \(reference) as \(named), not as \(digest): it changed the bytes")
        }
    }
}
