import Foundation
import Testing
@testable import ZooFormat

/// Issue 13: no `.zckpt` or safetensors file of under 1 MB makes zoo allocate more than 64 MiB
/// before it reports what is wrong. Each adversarial file is verified and converted by the built
/// `zoo` under a data-segment limit (`ulimit -d`, which counts every heap and anonymous mapping):
/// 64 MiB for what the file makes zoo allocate on top of a 48 MiB allowance for zoo itself, which a
/// good file is checked to fit (a debug `zoo` converting a tiny file needed 34 MiB in December 2026:
/// its writable data and relocations, thread stacks, zlib's state). Beyond the limit an allocation fails and zoo aborts with a signal
/// (a Swift allocation failure is fatal), so a clean exit 1 with the file's error shows it stayed
/// within it.
@Suite struct MemoryLimitTests {
    static let baselineKiB = 48 << 10
    static let limitKiB = baselineKiB + (64 << 10)

    /// Runs `zoo arguments` under a data limit of `kib` KiB, killed after `seconds`.
    static func zoo(limit kib: Int, _ arguments: [String], seconds: Double = 60) throws -> ZooRunner.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "ulimit -d \(kib) && exec \"$0\" \"$@\"", ZooRunner.binary] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let deadline = DispatchTime.now() + seconds
        DispatchQueue.global().asyncAfter(deadline: deadline) { if process.isRunning { process.terminate() } }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ZooRunner.Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                                stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// A `.zckpt` of one tensor whose chunks have the given stored bytes and claimed raw lengths.
    static func checkpoint(dtype: String, shape: [Int], codec: String, chunks: [(stored: [UInt8], raw: Int)]) -> [UInt8] {
        var file = CheckpointLayout.preamble(.current)
        var entries: [String] = []
        var offset = 0
        for chunk in chunks {
            entries.append("[\(offset),\(chunk.stored.count),\(chunk.raw),\(CRC32.checksum(chunk.stored))]")
            file += chunk.stored
            offset += chunk.stored.count
        }
        let raw = chunks.reduce(0) { $0 + $1.raw }
        let index = Array("""
        {"metadata":{},"tensors":[{"chunks":[\(entries.joined(separator: ","))],"codec":"\(codec)","dtype":"\(dtype)",\
        "name":"w","offset":64,"raw_bytes":\(raw),"sha256":"\(String(repeating: "0", count: 64))",\
        "shape":\(shape),"stored_bytes":\(offset)}]}
        """.utf8)
        let indexOffset = UInt64(file.count)
        file += index
        file += CheckpointLayout.footer(.init(indexOffset: indexOffset, indexLength: UInt64(index.count),
                                              indexCRC32: CRC32.checksum(index), version: .current))
        return file
    }

    static func garbage(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
    }

    /// The adversarial files: name, bytes, and a piece of the error zoo must give.
    static func files(in scratch: Scratch) throws -> [(String, String, String)] {
        var files: [(String, String, String)] = []
        let vectors = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("formats/vectors")
        files.append(("8 GiB claimed, 512 empty chunks (vector)", vectors.appendingPathComponent("bad_claims_8gib.zckpt").path,
                      "claims 16777216 raw bytes from 0 stored bytes"))
        // 56 chunks claiming 16 MiB each (896 MiB) from 16,300 bytes apiece: within deflate's 1032:1,
        // so the index is valid, but the bytes are garbage (with matching CRCs).
        let big = 16 << 20
        for codec in ["deflate", "planes"] {
            let chunks = (0..<56).map { (stored: garbage(16_300, seed: UInt64($0 + 1)), raw: big) }
            let path = scratch.write("garbage-\(codec).zckpt", checkpoint(dtype: "F32", shape: [56 * big / 4], codec: codec, chunks: chunks))
            files.append(("896 MiB claimed, \(codec) garbage", path, "chunk 0"))
        }
        // 55 chunks of 16 MiB of zeros that verify, then one of garbage: pieces are decoded and
        // dropped as they verify, so memory stays at one piece however much the file decodes to.
        let zerosPath = scratch.path + "/zeros.zckpt"
        let writer = try CheckpointWriter(path: zerosPath)
        let zeros = [UInt8](repeating: 0, count: big)
        try zeros.withBytes { (raw) throws(FormatError) in
            _ = try writer.addTensor(name: "z", dtype: .u8, shape: [big], raw: raw, codec: .deflate, level: 9, chunkSize: big)
        }
        try writer.finish()
        let reader = try CheckpointReader(path: zerosPath)
        let zeroChunk = Array(try reader.stream(of: reader.index.tensors[0]))
        let valid = (0..<55).map { _ in (stored: zeroChunk, raw: big) } + [(stored: garbage(16_300, seed: 99), raw: big)]
        files.append(("880 MiB of zeros that verify, then garbage", scratch.write("zeros-then-garbage.zckpt",
                      checkpoint(dtype: "U8", shape: [56 * big], codec: "deflate", chunks: valid)), "chunk 55"))
        // safetensors: a header whose tensor claims 4 TiB, and a header length far beyond the file.
        let claim = Array(#"{"w":{"dtype":"F32","shape":[1099511627776],"data_offsets":[0,4398046511104]}}"#.utf8)
        files.append(("safetensors claiming a 4 TiB tensor", scratch.write("claim.safetensors",
                      withUnsafeBytes(of: UInt64(claim.count).littleEndian, Array.init) + claim + [UInt8](repeating: 0, count: 64)), "safetensors"))
        files.append(("safetensors header length of 90 MB", scratch.write("header.safetensors",
                      withUnsafeBytes(of: UInt64(90_000_000).littleEndian, Array.init) + Array("{}".utf8)), "safetensors"))
        for (_, path, _) in files {
            let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            #expect(size < 1_000_000, "\(path) is \(size) bytes, not under 1 MB")
        }
        return files
    }

    @Test func smallBadFilesFailWithinTheLimit() throws {
        let scratch = Scratch()
        // The allowance for zoo itself: a good file verifies and converts within it.
        let good = scratch.write("good.safetensors", officialFile)
        let goodZckpt = scratch.path + "/good.zckpt"
        let convert = try Self.zoo(limit: Self.baselineKiB, ["convert", good, goodZckpt])
        #expect(convert.status == 0, "zoo no longer converts a tiny file within \(Self.baselineKiB) KiB: \(convert.stderr)")
        let verify = try Self.zoo(limit: Self.baselineKiB, ["verify", goodZckpt])
        #expect(verify.status == 0, "zoo no longer verifies a tiny file within \(Self.baselineKiB) KiB: \(verify.stderr)")

        for (label, path, message) in try Self.files(in: scratch) {
            let isCheckpoint = path.hasSuffix(".zckpt")
            let commands: [[String]] = isCheckpoint
                ? [["verify", path], ["convert", path, scratch.path + "/out.safetensors"]]
                : [["verify", path], ["convert", path, scratch.path + "/out.zckpt"]]
            for command in commands {
                let result = try Self.zoo(limit: Self.limitKiB, command)
                #expect(result.status == 1, "\(label): zoo \(command[0]) exited \(result.status) (beyond the memory limit?): \(result.stderr)")
                #expect(result.stderr.contains(message), "\(label): zoo \(command[0]) said: \(result.stderr)")
            }
        }
    }
}
