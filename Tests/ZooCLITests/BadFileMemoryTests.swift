import Foundation
import Testing

/// Issue 13: no `.zckpt`, safetensors or `.pth` file of under 1 MB makes zoo allocate more than
/// 64 MiB before it reports what is wrong. The built `zoo` reads every bad vector the project
/// keeps (formats/vectors/manifest.json, the fuzzers' finds in formats/vectors/fuzz, PyTorch's in
/// formats/vectors/pytorch) and must exit 1 with the documented error, its peak resident memory
/// (`wait4`'s `ru_maxrss`) at most 64 MiB above what the same command needs for a small good
/// file. A virtual-memory cap (`ulimit -v`, 2 GiB) keeps a runaway from taking the machine: an
/// allocation beyond it makes zoo abort, which fails the test too.
@Suite struct BadFileMemoryTests {
    static let allowanceKiB = 64 << 10
    static let capKiB = 2 << 20
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// One bad file and what zoo must say about it.
    struct Case {
        var file: String
        /// zoo's arguments; `{file}` is the bad file, `{out}` a scratch output path.
        var command: [String]
        var message: String
    }

    /// The cases: every bad `.zckpt` vector through `verify` and `convert`, and each fuzz and
    /// PyTorch vector through its own command.
    static func cases() throws -> [Case] {
        var cases: [Case] = []
        let vectors = root.appendingPathComponent("formats/vectors")
        struct Bad: Decodable { var file: String; var stage: String; var message: String }
        struct Manifest: Decodable { var bad: [Bad] }
        let zckpt = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: vectors.appendingPathComponent("manifest.json")))
        for bad in zckpt.bad {
            let path = vectors.appendingPathComponent(bad.file).path
            cases.append(Case(file: path, command: ["verify", "{file}"], message: bad.message))
            // convert decodes without the SHA-256 check, so only what fails before that must fail it.
            if bad.stage == "open" || bad.message.contains("CRC32") || bad.message.contains("decodes to") || bad.message.contains("method") {
                cases.append(Case(file: path, command: ["convert", "{file}", "{out}.safetensors"], message: bad.message))
            }
        }
        for folder in ["fuzz", "pytorch"] {
            let url = vectors.appendingPathComponent(folder).appendingPathComponent("manifest.json")
            guard let data = try? Data(contentsOf: url) else { continue }
            struct Entry: Decodable { var file: String; var command: [String]?; var message: String; var exit: Int? }
            struct List: Decodable { var bad: [Entry] }
            for entry in try JSONDecoder().decode(List.self, from: data).bad where (entry.exit ?? 1) == 1 {
                let path = vectors.appendingPathComponent(folder).appendingPathComponent(entry.file).path
                cases.append(Case(file: path, command: entry.command ?? ["convert", "{file}", "{out}.safetensors"], message: entry.message))
            }
        }
        return cases
    }

    static func run(_ command: [String], file: String, scratch: String) throws -> MeasuredRun {
        let arguments = command.map { $0.replacingOccurrences(of: "{file}", with: file).replacingOccurrences(of: "{out}", with: scratch + "/out") }
        return try MeasuredRun.zoo(arguments, scratch: scratch, capKiB: capKiB)
    }

    @Test func everyBadVectorFailsCleanlyWithinSixtyFourMiB() throws {
        let scratch = try StoreCLI.directory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let cases = try Self.cases()
        #expect(cases.count >= 30, "only \(cases.count) bad files found")
        // The baseline: each command on a small good file.
        let good = Self.root.appendingPathComponent("formats/vectors/good_planes_all_dtypes.zckpt").path
        var baseline: [String: Int] = [:]
        for command in Set(cases.map { $0.command[0] }) {
            let argv: [String] = command == "verify" ? ["verify", "{file}"] : command == "convert" ? ["convert", "{file}", "{out}.safetensors"] : [command, "{file}"]
            let run = try Self.run(argv, file: good, scratch: scratch)
            try? FileManager.default.removeItem(atPath: scratch + "/out.safetensors")
            #expect(run.signal == 0, "zoo \(command) on a good file died of signal \(run.signal) under the \(Self.capKiB) KiB cap: \(run.stderr)")
            baseline[command] = run.maxRSSKiB
        }
        var worst = (file: "", extraKiB: Int.min)
        for c in cases {
            let size = (try FileManager.default.attributesOfItem(atPath: c.file)[.size] as? Int) ?? 0
            #expect(size < 1_000_000, "\(c.file) is \(size) bytes, not under 1 MB")
            let run = try Self.run(c.command, file: c.file, scratch: scratch)
            let what = "zoo \(c.command.joined(separator: " ").replacingOccurrences(of: "{file}", with: (c.file as NSString).lastPathComponent))"
            #expect(run.signal == 0 && run.status == 1, "\(what): exit \(run.status), signal \(run.signal): \(run.stderr.prefix(300))")
            #expect(run.stderr.contains(c.message), "\(what) did not say '\(c.message)': \(run.stderr.prefix(300))")
            let extra = run.maxRSSKiB - (baseline[c.command[0]] ?? 0)
            #expect(extra <= Self.allowanceKiB, "\(what) peaked at \(run.maxRSSKiB) KiB, \(extra) KiB above the good file's")
            if extra > worst.extraKiB { worst = ((c.file as NSString).lastPathComponent, extra) }
        }
        print("bad-file memory: \(cases.count) runs, baselines \(baseline) KiB, worst \(worst.file) at \(worst.extraKiB) KiB above its baseline")
    }
}
