import Testing
import ZooRegistry
@testable import ZooDistribution

@Suite struct RegistryReferenceTests {
    @Test func partsOfAReference() throws {
        let r = try RegistryReference(parsing: "127.0.0.1:5000/team/minilm:v1")
        #expect(r.registry == "127.0.0.1:5000" && r.repository == "team/minilm" && r.tag == "v1" && r.digest == nil)
        #expect(r.lastComponent == "minilm" && r.manifestReference == "v1")
        let bare = try RegistryReference(parsing: "ghcr.io/acme/models/encoder")
        #expect(bare.tag == nil && bare.manifestReference == "latest" && bare.lastComponent == "encoder")
        let hex = String(repeating: "ab", count: 32)
        let pinned = try RegistryReference(parsing: "localhost:5000/a/b@sha256:\(hex)")
        #expect(pinned.digest?.hex == hex && pinned.manifestReference == "sha256:\(hex)")
        #expect(pinned.description == "localhost:5000/a/b@sha256:\(hex)")
        let v6 = try RegistryReference(parsing: "[::1]:5000/x/y-z.w__q:1.0-rc_1")
        #expect(v6.registry == "[::1]:5000" && v6.repository == "x/y-z.w__q" && v6.tag == "1.0-rc_1")
    }

    @Test(arguments: [
        "127.0.0.1:5000", "http://127.0.0.1:5000/a", "host/Team/a", "host/a//b", "host/a/", "host/-a", "host/a.-b",
        "host/a___b", "host/a:", "host/a:.tag", "host/a@sha256:abc", "host:0/a", "host:70000/a", "ho_st/a", "/a/b",
        "host/a:" + String(repeating: "t", count: 129),
    ])
    func malformedReferencesAreUsageErrors(_ text: String) {
        #expect(throws: DistributionError.self) { try RegistryReference(parsing: text) }
        do { _ = try RegistryReference(parsing: text) } catch { #expect(error.kind == .usage) }
    }

    @Test func challengesAreParsed() {
        let c = AuthChallenge.parse(#"Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:team/a:pull,push repository:team/b:pull""#)
        #expect(c.count == 1)
        #expect(c[0].scheme == "bearer" && c[0].realm == "https://auth.example.com/token" && c[0].service == "registry.example.com")
        #expect(c[0].scopes == ["repository:team/a:pull,push", "repository:team/b:pull"])
        let basic = AuthChallenge.parse(#"Basic realm="zoo \"test\"""#)
        #expect(basic == [AuthChallenge(scheme: "basic", parameters: ["realm": #"zoo "test""#])])
        let two = AuthChallenge.parse(#"Basic realm="a", Bearer realm="http://t/token",service=s"#)
        #expect(two.map(\.scheme) == ["basic", "bearer"] && two[1].service == "s")
        #expect(AuthChallenge.parse("").isEmpty)
    }

    @Test func base64RoundTrips() {
        for text in ["", "a", "ab", "abc", "alice:s3cret", "üñï:©"] {
            let bytes = Array(text.utf8)
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
        #expect(Base64.encode(Array("alice:s3cret".utf8)) == "YWxpY2U6czNjcmV0")
        #expect(Base64.decode("not base64!") == nil)
    }
}
