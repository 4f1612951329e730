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

@Test func crc32MatchesTheStandardCheckValue() {
    // The CRC-32 check value of "123456789" (zlib's polynomial) is 0xCBF43926.
    let value = Array("123456789".utf8).withUnsafeBytes { StoreCRC32.checksum($0) }
    #expect(value == 0xCBF4_3926)
    let long = [UInt8](repeating: 0x61, count: 1000)  // exercises the eight-byte path
    let bytewise = long.withUnsafeBytes { buf -> UInt32 in
        var crc: UInt32 = 0xFFFF_FFFF
        for b in buf {
            crc ^= UInt32(b)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
        }
        return crc ^ 0xFFFF_FFFF
    }
    #expect(long.withUnsafeBytes { StoreCRC32.checksum($0) } == bytewise)
}

@Test func editDistanceFindsCloseNames() {
    #expect(EditDistance.between("kitten", "sitting") == 3)
    #expect(EditDistance.closest(to: "bret", among: ["bert", "resnet", "gpt2"]) == ["bert"])
}
