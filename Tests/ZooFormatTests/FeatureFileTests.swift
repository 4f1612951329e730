import Foundation
import Testing
@testable import ZooFormat

/// The feature file (formats/store.md, "The feature cache"): streamed rows come back bit for
/// bit, every kind of damage is refused with its own error, and nothing is allocated from a
/// size the file declares before the file is known to hold it.
@Suite struct FeatureFileTests {
    final class Folder {
        let path = NSTemporaryDirectory() + "zoo-features-" + UUID().uuidString
        init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(atPath: path) }
    }

    /// Values whose bit patterns vary in every byte (negative zero, subnormals and NaN included).
    static func values(_ count: Int, seed: UInt32) -> [Float] {
        var state = seed &* 2654435761 &+ 1
        return (0..<count).map { i in
            state = state &* 1664525 &+ 1013904223
            switch i % 97 {
            case 0: return -0.0
            case 1: return Float(bitPattern: 0x0000_0003)
            case 2: return Float(bitPattern: 0x7FC0_1234)
            default: return Float(bitPattern: (state & 0x3FFF_FFFF) | 0x3000_0000) * (i % 2 == 0 ? 1 : -1)
            }
        }
    }

    /// Writes `rows` rows of `shape` in pieces of `piece` rows; returns the path, digest and values.
    static func write(in folder: Folder, shape: [Int], rows: Int, piece: Int = 3) throws -> (String, String, [Float]) {
        let path = folder.path + "/f"
        let width = shape.reduce(1, *)
        let all = values(rows * width, seed: UInt32(rows))
        let writer = try FeatureFileWriter(path: path, shape: shape, rows: rows)
        var r = 0
        while r < rows {
            let n = min(piece, rows - r)
            try writer.append(Array(all[(r * width)..<((r + n) * width)]))
            r += n
        }
        let (sha, size) = try writer.finish()
        #expect(size == writer.layout.fileSize)
        return (path, sha, all)
    }

    static func bytes(_ path: String) -> [UInt8] { [UInt8](FileManager.default.contents(atPath: path) ?? Data()) }
    static func put(_ bytes: [UInt8], _ path: String) { FileManager.default.createFile(atPath: path, contents: Data(bytes)) }

    static func expectFailure(_ kind: FormatError.Kind, _ body: () throws -> Void) {
        do {
            try body()
            Issue.record("expected a \(kind) error")
        } catch let error as FormatError {
            #expect(error.kind == kind, "\(error.message)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func rowsComeBackBitForBitAcrossChunks() throws {
        let folder = try Folder()
        // 70,000 values a row: 3 rows to a 1 MiB chunk, so 10 rows make 4 chunks, the last short.
        let (path, sha, all) = try Self.write(in: folder, shape: [7, 10_000], rows: 10, piece: 4)
        #expect(sha == SHA256Digest.hex(Self.bytes(path)))
        let reader = try FeatureFileReader(path: path)
        #expect(reader.layout.rows == 10 && reader.layout.shape == [7, 10_000] && reader.layout.chunkCount == 4)
        try reader.verify(sha256: sha)
        let loaded = try reader.loadAll(sha256: sha)
        #expect(loaded.map(\.bitPattern) == all.map(\.bitPattern))
        let order = [9, 0, 3, 4, 5, 2, 8]
        var picked = [Float](repeating: 1, count: order.count * 70_000)
        try picked.withUnsafeMutableBufferPointer { try reader.readRows(order, into: $0) }
        let expected = order.flatMap { all[($0 * 70_000)..<(($0 + 1) * 70_000)] }
        #expect(picked.map(\.bitPattern) == expected.map(\.bitPattern))
    }

    @Test func smallRowsAndEmptyFiles() throws {
        let folder = try Folder()
        let (path, sha, all) = try Self.write(in: folder, shape: [5], rows: 1000, piece: 333)
        let reader = try FeatureFileReader(path: path)
        #expect(try reader.loadAll(sha256: sha).map(\.bitPattern) == all.map(\.bitPattern))
        var one = [Float](repeating: 0, count: 5)
        try one.withUnsafeMutableBufferPointer { try reader.readRows([999], into: $0) }
        #expect(one.map(\.bitPattern) == all[4995...].map(\.bitPattern))
        Self.expectFailure(.invalidArgument) { try one.withUnsafeMutableBufferPointer { try reader.readRows([1000], into: $0) } }

        let empty = folder.path + "/e"
        let writer = try FeatureFileWriter(path: empty, shape: [3], rows: 0)
        let (esha, _) = try writer.finish()
        #expect(try FeatureFileReader(path: empty).loadAll(sha256: esha).isEmpty)
    }

    @Test func damageIsRefused() throws {
        let folder = try Folder()
        let (path, sha, _) = try Self.write(in: folder, shape: [4, 4], rows: 50)
        let good = Self.bytes(path)
        let layout = try FeatureFileReader(path: path).layout

        // A value flipped: the header still opens; its chunk's CRC32 fails.
        var flipped = good
        flipped[layout.dataOffset + 100] ^= 0x01
        Self.put(flipped, path)
        Self.expectFailure(.checksumMismatch) { try FeatureFileReader(path: path).verify(sha256: sha) }
        Self.expectFailure(.checksumMismatch) { _ = try FeatureFileReader(path: path).loadAll(sha256: sha) }
        // A chunk's CRC32 itself damaged.
        var crc = good
        crc[good.count - 1] ^= 0x80
        Self.put(crc, path)
        Self.expectFailure(.checksumMismatch) { try FeatureFileReader(path: path).verify(sha256: sha) }
        // Intact file, wrong expected digest (another file with valid CRCs in its place).
        Self.put(good, path)
        Self.expectFailure(.checksumMismatch) { try FeatureFileReader(path: path).verify(sha256: String(repeating: "0", count: 64)) }
        // Cut short, or with bytes after the last chunk: the size is checked exactly.
        Self.put(Array(good.dropLast()), path)
        Self.expectFailure(.truncated) { _ = try FeatureFileReader(path: path) }
        Self.put(good + [0], path)
        Self.expectFailure(.malformed) { _ = try FeatureFileReader(path: path) }
        Self.put(Array(good.prefix(10)), path)
        Self.expectFailure(.notAFile) { _ = try FeatureFileReader(path: path) }
        Self.put([], path)
        Self.expectFailure(.truncated) { _ = try FeatureFileReader(path: path) }
        // Wrong magic; damaged header (its CRC32).
        var magic = good
        magic[0] = UInt8(ascii: "Z")
        Self.put(magic, path)
        Self.expectFailure(.notAFile) { _ = try FeatureFileReader(path: path) }
        var header = good
        header[20] ^= 0x04
        Self.put(header, path)
        Self.expectFailure(.checksumMismatch) { _ = try FeatureFileReader(path: path) }
    }

    /// A header with a valid CRC32 that declares what the file does not hold.
    @Test func liesInTheHeaderAreRefusedBeforeAllocating() throws {
        let folder = try Folder()
        let path = folder.path + "/lie"
        func file(major: UInt32 = 1, rows: UInt64, perChunk: UInt32, shape: [UInt64]) -> [UInt8] {
            var h: [UInt8] = []
            func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { h.append(contentsOf: $0) } }
            func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { h.append(contentsOf: $0) } }
            u32(major); u32(0); u64(rows); u32(perChunk); u32(UInt32(shape.count))
            for d in shape { u64(d) }
            return FeatureFile.preamble(header: h) + h
        }
        Self.put(file(rows: 1 << 30, perChunk: 1, shape: [1 << 20]), path)
        Self.expectFailure(.truncated) { _ = try FeatureFileReader(path: path) }
        Self.put(file(rows: UInt64.max, perChunk: 1, shape: [4]), path)
        Self.expectFailure(.limitExceeded) { _ = try FeatureFileReader(path: path) }
        Self.put(file(rows: 2, perChunk: 1, shape: [UInt64(1) << 40]), path)
        Self.expectFailure(.limitExceeded) { _ = try FeatureFileReader(path: path) }
        Self.put(file(rows: 2, perChunk: 1, shape: [1 << 20, 1 << 20]), path)
        Self.expectFailure(.limitExceeded) { _ = try FeatureFileReader(path: path) }
        Self.put(file(rows: 2, perChunk: 0, shape: [4]), path)
        Self.expectFailure(.malformed) { _ = try FeatureFileReader(path: path) }
        Self.put(file(rows: 2, perChunk: UInt32.max, shape: [1 << 20]), path)
        Self.expectFailure(.malformed) { _ = try FeatureFileReader(path: path) }
        Self.put(file(rows: 2, perChunk: 1, shape: []), path)
        Self.expectFailure(.malformed) { _ = try FeatureFileReader(path: path) }
        Self.put(file(rows: 2, perChunk: 1, shape: [0]), path)
        Self.expectFailure(.malformed) { _ = try FeatureFileReader(path: path) }
        Self.put(file(major: 2, rows: 0, perChunk: 1, shape: [4]), path)
        Self.expectFailure(.unsupportedVersion) { _ = try FeatureFileReader(path: path) }
    }

    @Test func writerChecksRowsAndCleansUp() throws {
        let folder = try Folder()
        let path = folder.path + "/w"
        do {
            let writer = try FeatureFileWriter(path: path, shape: [3], rows: 2)
            Self.expectFailure(.invalidArgument) { try writer.append([1, 2]) }
            try writer.append([1, 2, 3])
            Self.expectFailure(.invalidArgument) { _ = try writer.finish() }
            Self.expectFailure(.invalidArgument) { try writer.append([1, 2, 3, 4, 5, 6]) }
            #expect(FileManager.default.fileExists(atPath: path))
        }
        // Dropped before finish: the partial file goes with it.
        #expect(!FileManager.default.fileExists(atPath: path))
        Self.expectFailure(.malformed) { _ = try FeatureFileWriter(path: path, shape: [0], rows: 1) }
        Self.expectFailure(.malformed) { _ = try FeatureFileWriter(path: path, shape: [], rows: 1) }
        Self.expectFailure(.limitExceeded) { _ = try FeatureFileWriter(path: path, shape: [3], rows: -1) }
        // An existing file is never overwritten.
        Self.put([1, 2, 3], path)
        Self.expectFailure(.io) { _ = try FeatureFileWriter(path: path, shape: [3], rows: 1) }
        #expect(Self.bytes(path) == [1, 2, 3])
    }
}
