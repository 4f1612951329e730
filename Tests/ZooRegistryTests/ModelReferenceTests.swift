import Testing
@testable import ZooRegistry

@Test func referencesParseAllFourForms() throws {
    #expect(try ModelReference(parsing: "bert") == ModelReference(name: "bert", selector: .latest))
    #expect(try ModelReference(parsing: "bert:3") == ModelReference(name: "bert", selector: .version(3)))
    #expect(try ModelReference(parsing: "bert:prod") == ModelReference(name: "bert", selector: .tag("prod")))
    #expect(try ModelReference(parsing: "bert:latest") == ModelReference(name: "bert", selector: .latest))
    #expect(try ModelReference(parsing: "mini-lm.v2_a@sha256:abcdef12") == ModelReference(name: "mini-lm.v2_a", selector: .digest("abcdef12")))
    #expect(try ModelReference(parsing: "bert:V1.2-rc_3").description == "bert:V1.2-rc_3")
}

@Test(arguments: ["", "../etc", "a/b", "Bert", "a..b", ".hidden", "-x", "bert:", "bert:0", "bert:a/b",
                  "bert@sha256:12", "bert@sha256:XYZXYZXY", "bert@md5:abcdef", "bert:x y", "bé", "a\u{0}b",
                  String(repeating: "a", count: 129)])
func badReferencesAreRefused(_ text: String) {
    #expect(throws: StoreError.self) { try ModelReference(parsing: text) }
    do { _ = try ModelReference(parsing: text) } catch { #expect(error.kind == .badReference) }
}

@Test func tagsThatReadAsVersionsOrLatestAreRefused() {
    #expect(throws: StoreError.self) { try ModelReference.validateTag("42") }
    #expect(throws: StoreError.self) { try ModelReference.validateTag("latest") }
    #expect(throws: StoreError.self) { try ModelReference.validateTag("a:b") }
    #expect(throws: Never.self) { try ModelReference.validateTag("Prod_2") }
}

@Test func digestsAreParsedStrictly() throws {
    let hex = String(repeating: "ab", count: 32)
    #expect(try Digest(parsing: "sha256:" + hex).hex == hex)
    #expect(throws: StoreError.self) { try Digest(parsing: "sha256:" + hex.uppercased()) }
    #expect(throws: StoreError.self) { try Digest(parsing: "sha256:../" + hex.dropFirst(3)) }
    #expect(throws: StoreError.self) { try Digest(parsing: "sha512:" + hex) }
    // SHA-256 of "abc" (FIPS 180-2 example).
    #expect(Digest(of: Array("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
}

@Test func editDistanceFindsCloseNames() {
    #expect(EditDistance.between("kitten", "sitting") == 3)
    #expect(EditDistance.closest(to: "bret", among: ["bert", "resnet", "gpt2"]) == ["bert"])
}
