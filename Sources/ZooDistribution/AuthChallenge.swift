/// One `WWW-Authenticate` challenge (RFC 7235): a scheme and its parameters, as a registry sends
/// with a 401. `Bearer realm="…",service="…",scope="…"` points at a token endpoint (distribution's
/// token auth); `Basic realm="…"` wants a user name and password on every request.
public struct AuthChallenge: Sendable, Equatable {
    /// The scheme, lowercased: `bearer` or `basic` (others are kept, and refused later).
    public var scheme: String
    /// Parameter names (lowercased) and values (unquoted).
    public var parameters: [String: String]

    /// A challenge from its parts.
    public init(scheme: String, parameters: [String: String] = [:]) {
        self.scheme = scheme.lowercased()
        self.parameters = parameters
    }

    /// The token endpoint of a bearer challenge.
    public var realm: String? { parameters["realm"] }
    /// The `service` a token is asked for.
    public var service: String? { parameters["service"] }
    /// The scopes the request needed, space separated in the header.
    public var scopes: [String] { (parameters["scope"] ?? "").split(separator: " ").map(String.init) }

    /// Parses a `WWW-Authenticate` value into its challenges (several may share one header);
    /// malformed parts are skipped, so a garbled header gives no challenge rather than a wrong one.
    public static func parse(_ header: String) -> [AuthChallenge] {
        var challenges: [AuthChallenge] = []
        let chars = Array(header.unicodeScalars)
        var i = 0
        func skipSpaces() { while i < chars.count, chars[i] == " " || chars[i] == "\t" || chars[i] == "," { i += 1 } }
        func token() -> String {
            var s = ""
            while i < chars.count, !" \t,=\"".unicodeScalars.contains(chars[i]) { s.unicodeScalars.append(chars[i]); i += 1 }
            return s
        }
        while true {
            skipSpaces()
            guard i < chars.count else { break }
            let scheme = token()
            guard !scheme.isEmpty else { i += 1; continue }
            var challenge = AuthChallenge(scheme: scheme)
            // Parameters: name=value or name="quoted", separated by commas, until the next scheme.
            while true {
                skipSpaces()
                let start = i
                let name = token()
                guard !name.isEmpty, i < chars.count, chars[i] == "=" else { i = start; break }
                i += 1
                var value = ""
                if i < chars.count, chars[i] == "\"" {
                    i += 1
                    while i < chars.count, chars[i] != "\"" {
                        if chars[i] == "\\", i + 1 < chars.count { i += 1 }
                        value.unicodeScalars.append(chars[i])
                        i += 1
                    }
                    i += 1
                } else {
                    value = token()
                }
                challenge.parameters[name.lowercased()] = value
            }
            challenges.append(challenge)
        }
        return challenges
    }
}
