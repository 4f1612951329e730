import Foundation
import Testing
import ZooFormat
import ZooModel

/// Files another process truncates or rewrites while zoo reads them: the built `zoo` ends with
/// exit 1 and an error naming the file, never a signal (issue 13; `MappedFile`, `MappingGuard`).
///
/// Each try starts `zoo convert` on a 96 MiB file and changes the file once zoo is part-way
/// through: when zoo's temporary output has reached a seeded fraction of its final size, so the
/// change lands mid-read however loaded the machine is. A try where zoo still finished cleanly
/// (the change came after its last read) does not count; the loop is bounded.
@Suite(.serialized) struct ChangingFileTests {
    static let tensorBytes = 8 << 20
    static let tensorCount = 12

    /// How a file changes under zoo.
    enum Change: CustomStringConvertible {
        /// Cut to `fraction` of its size, as `truncate -s` does.
        case truncate(fraction: Double)
        /// Replaced in place with other bytes of the same size, as `cp other file` does (the file
        /// is emptied first, then written).
        case rewrite

        var description: String {
            switch self {
            case .truncate(let f): return "truncated to \(Int(f * 100))%"
            case .rewrite: return "rewritten in place"
            }
        }
    }

    /// What one try did.
    enum Outcome: Equatable {
        /// zoo refused, naming the changed file.
        case cleanError
        /// zoo finished before the change reached anything it read.
        case finished
        /// zoo failed some other way (a signal, another error, a hang): the test fails.
        case failed(String)
    }

    /// A raw `.zckpt` (or safetensors) of 12 tensors of 8 MiB, each of different bytes.
    static func makeFile(_ path: String, seed: UInt8) throws {
        var block = [UInt8](repeating: 0, count: 1 << 16)
        var state = UInt32(seed) &+ 1
        for i in block.indices {
            state = state &* 1_664_525 &+ 1_013_904_223
            block[i] = UInt8(truncatingIfNeeded: state >> 24)
        }
        var tensor = Data(capacity: tensorBytes)
        for _ in 0..<(tensorBytes / block.count) { tensor.append(contentsOf: block) }
        let shapes = (0..<tensorCount).map { (name: "layer\($0).weight", dtype: DType.f32, shape: [tensorBytes / 4]) }
        if path.hasSuffix(".zckpt") {
            let writer = try CheckpointWriter(path: path)
            for (i, t) in shapes.enumerated() {
                tensor[i] = seed
                _ = try tensor.withUnsafeBytes { raw in try writer.addTensor(name: t.name, dtype: t.dtype, shape: t.shape, raw: raw, codec: .raw) }
            }
            try writer.finish()
        } else {
            let writer = try SafetensorsWriter(path: path, tensors: shapes, metadata: nil)
            for i in shapes.indices {
                tensor[i] = seed
                try tensor.withUnsafeBytes { raw in try writer.write(raw) }
            }
            try writer.finish()
        }
    }

    /// Bytes of zoo's temporary output in `folder` (the hidden `.NAME.tmp-*` file), nil when none.
    static func temporaryOutputSize(in folder: String, name: String) -> Int? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return nil }
        for entry in entries where entry.hasPrefix(".\(name).tmp-") {
            if let size = try? FileManager.default.attributesOfItem(atPath: folder + "/" + entry)[.size] as? Int { return size }
        }
        return nil
    }

    /// Runs `zoo convert input output`, applies `change` to `input` once the temporary output has
    /// `threshold` bytes, and says how zoo ended.
    static func tryOnce(input: String, output: String, extra: [String], change: Change, threshold: Int,
                        replacement: String) throws -> Outcome {
        let folder = (output as NSString).deletingLastPathComponent
        let name = (output as NSString).lastPathComponent
        let errPath = folder + "/stderr.txt"
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ZooRunner.binary)
        process.arguments = ["convert", input, output] + extra
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: errPath)
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        var changed = false
        while process.isRunning && Date() < deadline {
            if let size = temporaryOutputSize(in: folder, name: name), size >= threshold {
                try apply(change, to: input, replacement: replacement)
                changed = true
                break
            }
            usleep(500)
        }
        while process.isRunning && Date() < deadline { usleep(2_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            return .failed("zoo convert did not finish in 120 s")
        }
        process.waitUntilExit()
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        if process.terminationReason == .uncaughtSignal {
            return .failed("zoo convert was killed by signal \(process.terminationStatus) (file \(change)): \(stderr.prefix(300))")
        }
        if process.terminationStatus == 0 { return changed ? .finished : .failed("zoo finished before its output reached \(threshold) bytes") }
        guard process.terminationStatus == 1, stderr.contains(input), stderr.contains("changed while it was being read") else {
            return .failed("zoo convert exited \(process.terminationStatus) (file \(change)) without naming the changed file: \(stderr.prefix(400))")
        }
        // Nothing is left behind: neither the output nor its temporary file.
        if FileManager.default.fileExists(atPath: output) { return .failed("an output was written from a file that changed") }
        if temporaryOutputSize(in: folder, name: name) != nil { return .failed("the temporary output was left behind") }
        return .cleanError
    }

    static func apply(_ change: Change, to path: String, replacement: String) throws {
        switch change {
        case .truncate(let fraction):
            let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
            #expect(truncate(path, off_t(Double(size) * fraction)) == 0)
        case .rewrite:
            // Empty the file, then write other bytes of the same size into it: the same inode.
            guard let source = FileHandle(forReadingAtPath: replacement), let target = FileHandle(forWritingAtPath: path) else {
                Issue.record("cannot open the files for the rewrite")
                return
            }
            defer { try? source.close(); try? target.close() }
            try target.truncate(atOffset: 0)
            while let piece = try source.read(upToCount: 4 << 20), !piece.isEmpty { try target.write(contentsOf: piece) }
        }
    }

    /// Runs tries on fresh copies of `original` until `wanted` changes have landed mid-read
    /// (bounded by `3 × wanted` tries); every try must end cleanly.
    static func campaign(original: String, replacement: String, output: String, extra: [String],
                         wanted: Int, seed: UInt64) throws -> (landed: Int, tries: Int) {
        var rng = SeededRandom(seed: seed)
        let total = tensorBytes * tensorCount
        let input = (original as NSString).deletingLastPathComponent + "/input." + (original as NSString).pathExtension
        var landed = 0, tries = 0
        while landed < wanted && tries < 3 * wanted {
            tries += 1
            try? FileManager.default.removeItem(atPath: input)
            try? FileManager.default.removeItem(atPath: output)
            try FileManager.default.copyItem(atPath: original, toPath: input)
            // Thresholds from 5% to 60% of the output; truncations to 0-90% of the input, or a rewrite.
            let threshold = Int(Double(total) * (0.05 + 0.55 * rng.unit()))
            let change: Change = tries % 3 == 0 ? .rewrite : .truncate(fraction: 0.9 * rng.unit())
            switch try tryOnce(input: input, output: output, extra: extra, change: change, threshold: threshold, replacement: replacement) {
            case .cleanError: landed += 1
            case .finished: break
            case .failed(let why): Issue.record(Comment(rawValue: "try \(tries): \(why)")); return (landed, tries)
            }
        }
        return (landed, tries)
    }

    /// One file kind: the file zoo converts, what it converts to, and how many tries must land.
    struct Kind: Sendable, CustomStringConvertible {
        var name: String
        var output: String
        var extra: [String]
        var wanted: Int
        var seeds: (file: UInt8, other: UInt8, campaign: UInt64)
        var description: String { name }
    }

    static let kinds = [
        Kind(name: "zckpt", output: "safetensors", extra: [], wanted: 10, seeds: (1, 2, 13)),
        Kind(name: "safetensors", output: "zckpt", extra: ["--codec", "raw"], wanted: 5, seeds: (3, 4, 17)),
    ]

    @Test(arguments: kinds) func fileChangedWhileConvertingEndsInACleanError(_ kind: Kind) throws {
        let dir = try StoreCLI.directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let original = dir + "/big.\(kind.name)", other = dir + "/other.\(kind.name)"
        try Self.makeFile(original, seed: kind.seeds.file)
        try Self.makeFile(other, seed: kind.seeds.other)
        let (landed, tries) = try Self.campaign(original: original, replacement: other, output: dir + "/out.\(kind.output)",
                                                extra: kind.extra, wanted: kind.wanted, seed: kind.seeds.campaign)
        print("changing-file test (.\(kind.name)): \(landed) of \(tries) tries changed the file mid-read")
        #expect(landed == kind.wanted, "only \(landed) of \(tries) tries changed the file while zoo read it")
    }
}
