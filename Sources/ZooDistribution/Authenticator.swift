import Foundation

/// Answers a registry's auth challenges (distribution spec and its token auth): no auth, basic
/// auth, or bearer tokens fetched from the challenge's realm for each scope
/// (`repository:team/minilm:pull,push`), cached until they expire. Parallel requests that need a
/// token for the same scope share one fetch.
actor Authenticator {
    /// What the registry wants, learnt from its first challenge.
    enum Mode: Sendable {
        case unknown
        case anonymous
        case basic
        case bearer(realm: String, service: String?)
    }

    private struct Token {
        var value: String
        var expires: ContinuousClock.Instant
    }

    private let registry: String
    private let explicit: RegistryCredentials?
    private let store: CredentialStore
    private var loaded = false
    private var cached: RegistryCredentials?
    private(set) var mode: Mode = .unknown
    private var tokens: [String: Token] = [:]
    private var fetches: [String: Task<Token, any Error>] = [:]
    /// Fetches a token: (realm URL with query, authorization header) -> (status, body).
    private let fetch: @Sendable (String, String?) async throws(DistributionError) -> (Int, [UInt8])

    init(registry: String, credentials: RegistryCredentials?, store: CredentialStore,
         fetch: @escaping @Sendable (String, String?) async throws(DistributionError) -> (Int, [UInt8])) {
        self.registry = registry
        self.explicit = credentials
        self.store = store
        self.fetch = fetch
    }

    /// The credentials in use: the explicit ones, else the credential store's (read once).
    func credentials() throws(DistributionError) -> RegistryCredentials? {
        if let explicit { return explicit }
        if !loaded {
            cached = try store.credentials(for: registry)
            loaded = true
        }
        return cached
    }

    /// Who is asking, for messages: `user alice` or `no credentials`.
    func who() -> String {
        guard let c = try? credentials() else { return "the stored credentials" }
        return "user \(c.username)"
    }

    /// The `Authorization` header for a request needing `scopes`, or nil before any challenge
    /// (and for a registry that wants none).
    func authorization(scopes: [String]) async throws(DistributionError) -> String? {
        switch mode {
        case .unknown, .anonymous:
            return nil
        case .basic:
            return try credentials()?.basicAuthorization
        case .bearer(let realm, let service):
            return "Bearer " + (try await token(realm: realm, service: service, scopes: scopes)).value
        }
    }

    /// Takes a 401's challenges: sets the mode and drops the cached token for `scopes` (it was
    /// refused or has expired early), so the retry fetches a fresh one. Returns false when no
    /// challenge is one zoo can answer.
    func challenged(_ challenges: [AuthChallenge], scopes: [String]) throws(DistributionError) -> Bool {
        if let bearer = challenges.first(where: { $0.scheme == "bearer" }), let realm = bearer.realm, !realm.isEmpty {
            mode = .bearer(realm: realm, service: bearer.service)
            tokens[Authenticator.key(scopes)] = nil
            return true
        }
        if challenges.contains(where: { $0.scheme == "basic" }) {
            guard try credentials() != nil else {
                throw DistributionError(.auth, "\(registry) wants a user name and password and there are none for it; run `zoo login \(registry)`")
            }
            mode = .basic
            return true
        }
        return false
    }

    /// Marks the registry as needing no auth (its `/v2/` answered 200 without credentials).
    func markAnonymous() {
        if case .unknown = mode { mode = .anonymous }
    }

    static func key(_ scopes: [String]) -> String { scopes.sorted().joined(separator: " ") }

    private func token(realm: String, service: String?, scopes: [String]) async throws(DistributionError) -> Token {
        let key = Authenticator.key(scopes)
        if let t = tokens[key], t.expires > .now { return t }
        if let running = fetches[key] {
            do { return try await running.value } catch let e as DistributionError { throw e } catch {
                throw DistributionError(.auth, "token request failed: \(error)")
            }
        }
        let authorization = try credentials()?.basicAuthorization
        var query: [String] = []
        if let service { query.append("service=" + Authenticator.escape(service)) }
        for s in scopes { query.append("scope=" + Authenticator.escape(s)) }
        if let c = try credentials() { query.append("account=" + Authenticator.escape(c.username)) }
        let url = realm + (query.isEmpty ? "" : (realm.contains("?") ? "&" : "?") + query.joined(separator: "&"))
        let fetch = self.fetch
        let registry = self.registry
        let who = self.who()
        let task = Task<Token, any Error> {
            let (status, body) = try await fetch(url, authorization)
            guard status == 200 else {
                if status == 401 || status == 403 {
                    throw DistributionError(.auth, "\(registry)'s token service refused \(who) (HTTP \(status)\(Authenticator.detail(body))); check the user name and password, then run `zoo login \(registry)`")
                }
                throw DistributionError(.registry, "\(registry)'s token service at \(realm) answered HTTP \(status)\(Authenticator.detail(body))")
            }
            struct Response: Decodable {
                var token: String?
                var access_token: String?
                var expires_in: Int?
            }
            guard let r = try? JSONDecoder().decode(Response.self, from: Data(body)), let value = r.token ?? r.access_token, !value.isEmpty else {
                throw DistributionError(.registry, "\(registry)'s token service at \(realm) sent no token")
            }
            // Renew a little early; the spec's default lifetime is 60 s.
            let lifetime = max(10, min(r.expires_in ?? 60, 3600) - 5)
            return Token(value: value, expires: .now + .seconds(lifetime))
        }
        fetches[key] = task
        defer { fetches[key] = nil }
        do {
            let t = try await task.value
            tokens[key] = t
            return t
        } catch let e as DistributionError { throw e } catch {
            throw DistributionError(.auth, "token request failed: \(error)")
        }
    }

    static func detail(_ body: [UInt8]) -> String {
        let s = RegistryErrorBody.summary(body)
        return s.isEmpty ? "" : ": " + s
    }

    /// Percent-encodes a query value (RFC 3986 unreserved characters stay).
    static func escape(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            if (65...90).contains(b) || (97...122).contains(b) || (48...57).contains(b) || b == 45 || b == 46 || b == 95 || b == 126 {
                out.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                out += String(format: "%%%02X", b)
            }
        }
        return out
    }
}
