import Testing
@testable import ZooFormat

/// The carry-less multiplication CRC-32 kernel against zlib's crc32 on the same bytes.
@Suite struct CRC32Tests {
    @Test func knownValue() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #if arch(x86_64)
        #expect(CRC32.folding, "every x86-64 CPU since 2010 has PCLMULQDQ; without it checksums run at zlib's speed")
        #endif
    }

    @Test func agreesWithZlibOnEveryLengthAlignmentAndSeed() {
        var rng = SeededGenerator(seed: 32)
        let bytes = (0..<70_000).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        bytes.withUnsafeBytes { all in
            // Every short length, then around the 64- and 256-byte steps of both loops, and long ones.
            var lengths = Array(0...300) + [511, 512, 513, 1023, 1024, 4096 + 16, 65_536 + 48, 69_000]
            for _ in 0..<200 { lengths.append(Int(rng.next() % 4900)) }
            for length in lengths {
                let offset = Int(rng.next() % 64)
                let slice = UnsafeRawBufferPointer(rebasing: all[offset..<(offset + length)])
                let seed = length % 3 == 0 ? 0 : UInt32(truncatingIfNeeded: rng.next())
                #expect(CRC32.checksum(slice, seed: seed) == CRC32.zlibChecksum(slice, seed: seed), "length \(length) at \(offset)")
            }
        }
    }

    @Test func continuesAcrossPieces() {
        var rng = SeededGenerator(seed: 33)
        let bytes = (0..<4096).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        bytes.withUnsafeBytes { all in
            let whole = CRC32.zlibChecksum(all)
            for cut in [1, 15, 16, 64, 100, 2048, 4000] {
                let first = CRC32.checksum(UnsafeRawBufferPointer(rebasing: all[..<cut]))
                #expect(CRC32.checksum(UnsafeRawBufferPointer(rebasing: all[cut...]), seed: first) == whole)
            }
        }
    }
}
