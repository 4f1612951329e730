import Foundation
import Testing
@testable import ZooFormat

/// The zip directory reader's path rule and its reading of torch.save's zip64 archives.
@Suite struct ZipArchiveTests {
    @Test func pathsThatLeaveTheArchiveAreRefused() {
        for unsafe in ["", "/etc/passwd", "..", "../x", "x/..", "a/../b", "a\\b", "C:x", "c:/x", "a\u{0}b", "a/b/../../.."] {
            #expect(TestSupport.error { try ZipArchive.checkPath(unsafe) }?.kind == .refused, "'\(unsafe)'")
        }
        for safe in ["archive/data.pkl", "archive/data/0", "a/./b", "a/..b", "..a/b", "a/b..", "archive/.data/version"] {
            #expect(TestSupport.error { try ZipArchive.checkPath(safe) } == nil, "'\(safe)'")
        }
    }

    @Test func torchSaveArchivesAreReadThroughTheirZip64Records() throws {
        let path = TestSupport.vectorsDirectory.appendingPathComponent("pytorch/good_all_dtypes_zip.pt").path
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        try bytes.withUnsafeBytes { raw in
            let archive = try ZipArchive(bytes: raw)
            #expect(archive.entries.first?.name == "good_all_dtypes_zip/data.pkl")
            #expect(archive.entries.allSatisfy { $0.method == .stored && $0.dataOffset % 64 == 0 }, "torch.save aligns stored data to 64 bytes")
            // The zip64 end record (torch.save always writes one) gives the same directory as the classic one.
            #expect(archive.centralDirectoryOffset < raw.count - 22 - 20 - 56)
            for entry in archive.entries {
                try ZipArchive.verify(entry, UnsafeRawBufferPointer(rebasing: raw[entry.dataRange]))
            }
        }
        // A checksum in pieces equals the one-pass checksum.
        let big = TestSupport.sample(.f32, count: (5 << 20) / 4 + 123, seed: 3)
        big.withUnsafeBytes { #expect(ZipArchive.parallelChecksum($0) == CRC32.checksum($0)) }
    }
}
