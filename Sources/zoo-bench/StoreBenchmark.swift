import Foundation
import ZooFormat
import ZooModel
import ZooRegistry

/// `zoo-bench store [--versions N] [--deep-versions N] [--chain N] [--model FILE.safetensors]
/// [--baseline PATH/zoo] [--runs R] [--dir DIR [--reuse]] [--keep] [--json]`
///
/// Builds three stores (formats/store.md, "Cost"):
/// - `wide`: N versions (default 10,000) of 10 models, 3 small tensors each, every version the
///   child of the one before it of its model (ten 1,000-step chains), a tag every 50 versions;
/// - `deep`: N versions (default 1,000) of a 104-tensor model: version 1 is FILE imported with
///   the planes codec (MiniLM: `scripts/fetch-test-data.sh`) or 104 synthetic tensors, each later
///   version a fine-tune that changes two small tensors and shares the other 102 blobs;
/// - `chain`: one model whose N versions (default 1,000) each derive from the one before.
/// Then times `zoo list`, `list --json`, `du`, `gc --dry-run`, `lineage` and `inspect` as whole
/// processes (the `zoo` beside this executable, and the `--baseline` binary when given, run
/// alternately on the same stores), and the small writes at `wide`: import of a 3-tensor file,
/// tag, rm. Medians of R runs (default 5), in milliseconds: wall time, and the child's CPU time
/// (user + system, from wait4), which a shared machine disturbs much less.
func runStoreBenchmark(arguments: [String]) throws {
    func option(_ name: String) -> String? {
        guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
        return arguments[i + 1]
    }
    func count(_ name: String, _ fallback: Int) -> Int { option(name).flatMap { Int($0) }.map { max(1, $0) } ?? fallback }
    let wideVersions = count("--versions", 10_000)
    let deepVersions = count("--deep-versions", 1_000)
    let chainVersions = count("--chain", 1_000)
    let runs = count("--runs", 5)
    let json = arguments.contains("--json")
    let directory = option("--dir") ?? NSTemporaryDirectory() + "zoo-bench-store-\(getpid())"
    defer { if !arguments.contains("--keep") && option("--dir") == nil { try? FileManager.default.removeItem(atPath: directory) } }
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    func say(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

    let zoo = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("zoo").path
    guard FileManager.default.isExecutableFile(atPath: zoo) else {
        throw StoreError(.invalidArgument, "no zoo executable beside zoo-bench (\(zoo)); build it with `swift build -c release`")
    }
    var binaries = [("zoo", zoo)]
    if let baseline = option("--baseline") {
        guard FileManager.default.isExecutableFile(atPath: baseline) else {
            throw StoreError(.invalidArgument, "--baseline \(baseline) is not an executable")
        }
        binaries.insert(("baseline", baseline), at: 0)
    }

    // --reuse: time the stores a run with --dir DIR built before, instead of building them again.
    let reuse = arguments.contains("--reuse")
    func built(_ label: String, tensors: Int, ref: String, _ build: () throws -> StoreBench.Built) throws -> StoreBench.Built {
        let path = directory + "/" + label
        guard reuse, Store.isStore(at: path) else { return try build() }
        let count = try Store.open(path).list().count
        return StoreBench.finish(label, path, versions: count, tensors: tensors, ref: ref, since: Date(), say: say)
    }
    let wide = try built("wide", tensors: 3, ref: "model-\((wideVersions - 1) % 10)") {
        try StoreBench.buildWide(at: directory + "/wide", versions: wideVersions, say: say)
    }
    let deep = try built("deep", tensors: 104, ref: "encoder") {
        try StoreBench.buildDeep(at: directory + "/deep", versions: deepVersions, model: option("--model"), say: say)
    }
    let chain = try built("chain", tensors: 4, ref: "chain") {
        try StoreBench.buildChain(at: directory + "/chain", versions: chainVersions, say: say)
    }
    let tiny = directory + "/tiny.safetensors"
    try StoreBench.writeTinyFile(tiny)

    var results: [StoreBench.Result] = []
    func record(_ store: StoreBench.Built, _ command: String, _ times: [String: Double]) {
        results.append(StoreBench.Result(store: store.label, command: command, milliseconds: times))
        if !json { say(StoreBench.line(store.label, command, times, binaries: binaries.map(\.0))) }
    }
    if !json { say(StoreBench.header(binaries: binaries.map(\.0))) }
    for store in [wide, deep, chain] {
        let reads: [(String, [String])] = [
            ("list", ["list"]), ("list --json", ["list", "--json"]), ("du", ["du"]), ("gc --dry-run", ["gc", "--dry-run"]),
            ("lineage \(store.lineageRef)", ["lineage", store.lineageRef]), ("inspect \(store.lineageRef)", ["inspect", store.lineageRef]),
        ]
        for (label, args) in reads {
            record(store, label, try StoreBench.time(binaries, runs: runs) { try StoreBench.run($0, args + ["--zoo", store.path]) })
        }
        // The summary cache rebuilt from the manifests (once: the first run rebuilds it).
        var cold: [String: Double] = [:]
        try? FileManager.default.removeItem(atPath: store.path + "/.zoo/cache")
        let t0 = Date()
        cold["zoo cpu"] = try StoreBench.run(zoo, ["du", "--zoo", store.path])
        cold["zoo"] = Date().timeIntervalSince(t0) * 1000
        record(store, "du, cache rebuilt", cold)
    }

    // Small writes at `wide`: each run imports a version, tags it and removes it again.
    var writes: [String: [String: [Double]]] = ["import (3 tensors)": [:], "tag": [:], "rm": [:]]
    for _ in 0..<runs {
        for (label, binary) in binaries {
            let t0 = Date()
            let importCPU = try StoreBench.run(binary, ["import", tiny, "bench-new", "--codec", "raw", "--zoo", wide.path])
            let t1 = Date()
            let latest = try Store.open(wide.path).resolve("bench-new").reference
            let t2 = Date()
            let tagCPU = try StoreBench.run(binary, ["tag", latest, "bench-new:fresh", "--zoo", wide.path])
            let t3 = Date()
            let rmCPU = try StoreBench.run(binary, ["rm", latest, "--zoo", wide.path])
            let t4 = Date()
            writes["import (3 tensors)"]?[label, default: []].append(t1.timeIntervalSince(t0) * 1000)
            writes["tag"]?[label, default: []].append(t3.timeIntervalSince(t2) * 1000)
            writes["rm"]?[label, default: []].append(t4.timeIntervalSince(t3) * 1000)
            writes["import (3 tensors)"]?[label + " cpu", default: []].append(importCPU)
            writes["tag"]?[label + " cpu", default: []].append(tagCPU)
            writes["rm"]?[label + " cpu", default: []].append(rmCPU)
        }
    }
    for command in ["import (3 tensors)", "tag", "rm"] {
        record(wide, command, (writes[command] ?? [:]).mapValues(StoreBench.median))
    }
    let verified = try Store.open(wide.path).verify()
    guard verified.ok else { throw StoreError(.corrupt, "the wide store does not verify after the writes: \(verified.problems.prefix(3))") }

    if json {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let report = StoreBench.Report(stores: [wide, deep, chain].map { StoreBench.StoreInfo($0) }, results: results,
                                       runs: runs, binaries: Dictionary(uniqueKeysWithValues: binaries.map { ($0.0, $0.1) }))
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
    }
}

/// Store building and process timing for `zoo-bench store`.
enum StoreBench {
    /// A built store and what to ask of it.
    struct Built {
        var label: String
        var path: String
        var versions: Int
        var tensors: Int
        var lineageRef: String
        var buildSeconds: Double
        var indexBytes: Int
    }

    /// One timed command: milliseconds per binary label.
    struct Result: Encodable {
        var store: String
        var command: String
        var milliseconds: [String: Double]
    }

    struct StoreInfo: Encodable {
        var label: String, versions: Int, tensors: Int, buildSeconds: Double, indexBytes: Int
        init(_ b: Built) { label = b.label; versions = b.versions; tensors = b.tensors; buildSeconds = b.buildSeconds; indexBytes = b.indexBytes }
    }

    struct Report: Encodable {
        var stores: [StoreInfo]
        var results: [Result]
        var runs: Int
        var binaries: [String: String]
    }

    static func median(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.sorted()[values.count / 2] }

    /// Runs every binary `runs` times, alternating, and returns the median wall time of each
    /// (ms, under its label) and the median CPU time (under "label cpu").
    static func time(_ binaries: [(String, String)], runs: Int, _ body: (String) throws -> Double) throws -> [String: Double] {
        var times: [String: [Double]] = [:]
        for _ in 0..<runs {
            for (label, binary) in binaries {
                let t0 = Date()
                let cpu = try body(binary)
                times[label, default: []].append(Date().timeIntervalSince(t0) * 1000)
                times[label + " cpu", default: []].append(cpu)
            }
        }
        return times.mapValues(median)
    }

    /// Runs `binary` with `arguments`, output discarded; throws when it fails. Spawns and waits
    /// with posix_spawn and waitpid: Foundation's `Process.waitUntilExit` polls every 50 ms on
    /// Linux, which would round every time up to a multiple of it.
    @discardableResult
    static func run(_ binary: String, _ arguments: [String]) throws -> Double {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = ([binary] + arguments).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, binary, &actions, nil, argv, environ)
        guard spawned == 0 else { throw StoreError(.io, "cannot start \(binary): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        // WIFEXITED and WEXITSTATUS, which Swift does not import.
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            throw StoreError(.io, "\(binary) \(arguments.joined(separator: " ")) failed (wait status \(status))")
        }
        // The child's CPU time (user + system): unlike wall time, it hardly moves when other
        // processes share the machine.
        func ms(_ t: timeval) -> Double { Double(t.tv_sec) * 1000 + Double(t.tv_usec) / 1000 }
        return ms(usage.ru_utime) + ms(usage.ru_stime)
    }

    static func header(binaries: [String]) -> String {
        var text = "store".padding(toLength: 8, withPad: " ", startingAt: 0) + "command".padding(toLength: 26, withPad: " ", startingAt: 0)
        for b in binaries { text += (b + " wall").padding(toLength: 15, withPad: " ", startingAt: 0) }
        for b in binaries { text += (b + " cpu").padding(toLength: 15, withPad: " ", startingAt: 0) }
        return binaries.count > 1 ? text + "wall ratio" : text
    }

    static func line(_ store: String, _ command: String, _ times: [String: Double], binaries: [String]) -> String {
        var text = store.padding(toLength: 8, withPad: " ", startingAt: 0) + command.padding(toLength: 26, withPad: " ", startingAt: 0)
        for key in binaries + binaries.map({ $0 + " cpu" }) {
            text += (times[key].map { String(format: "%.1f ms", $0) } ?? "-").padding(toLength: 15, withPad: " ", startingAt: 0)
        }
        if binaries.count > 1, let base = times["baseline"], let ours = times["zoo"], ours > 0 {
            text += String(format: "%.1fx", base / ours)
        }
        return text
    }

    /// A raw-codec tensor record for `bytes` (F32), with its real CRC32 and SHA-256, so the store verifies.
    static func record(_ name: String, _ bytes: [UInt8]) -> TensorRecord {
        TensorRecord(name: name, dtype: .f32, shape: [bytes.count / 4], codec: .raw, rawBytes: UInt64(bytes.count),
                     storedBytes: UInt64(bytes.count), sha256: SHA256Digest.hex(bytes),
                     chunks: [ChunkRecord(offset: 0, storedLength: UInt64(bytes.count), rawLength: UInt64(bytes.count),
                                          crc32: CRC32.checksum(bytes))])
    }

    static func bytes(_ count: Int, seed: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ seed &* 7919 &+ ($0 >> 8) &* seed) }
    }

    static func training(_ parent: Digest?, step: Int) -> LineageRecord {
        let history: [JSONValue] = (0..<10).map { .number(Double(step * 10 + $0) / 1000) }
        return LineageRecord(parent: parent?.description, operation: parent == nil ? "import" : "train",
                             parameters: ["epochs": .number(3), "seed": .number(Double(step)), "learning_rate": .number(0.001),
                                          "loss_history": .array(history)])
    }

    static func finish(_ label: String, _ path: String, versions: Int, tensors: Int, ref: String, since start: Date,
                       say: (String) -> Void) -> Built {
        let seconds = Date().timeIntervalSince(start)
        let indexBytes = (try? FileManager.default.attributesOfItem(atPath: path + "/index.json")[.size] as? Int) ?? 0
        say("\(label): \(versions) versions of \(tensors) tensors built in \(String(format: "%.1f", seconds)) s; index.json \(indexBytes) bytes")
        return Built(label: label, path: path, versions: versions, tensors: tensors, lineageRef: ref, buildSeconds: seconds,
                     indexBytes: indexBytes)
    }

    /// 10 models, 3 tiny tensors a version, each version the child of its model's previous one.
    static func buildWide(at path: String, versions: Int, say: (String) -> Void) throws -> Built {
        try? FileManager.default.removeItem(atPath: path)
        let store = try Store.create(at: path)
        let names = 10
        let start = Date()
        var parents: [Digest?] = Array(repeating: nil, count: names)
        var v = 0
        while v < versions {
            let writer = try StoreWriter(store: store)
            for _ in 0..<min(1000, versions - v) {
                for t in 0..<3 {
                    let b = bytes(256, seed: t * 7 + v % 7)
                    try b.withUnsafeBytes { try writer.addEncoded(record: record("layer.\(t).weight", b), stream: $0) }
                }
                let n = v % names
                let model = ModelDescription(layers: [], metadata: ModelMetadata(task: "classification", source: "bench"),
                                             lineage: training(parents[n], step: v))
                parents[n] = try writer.stage(name: "model-\(n)", tag: v % 50 == 0 ? "t\(v)" : nil, metadata: ["format": "pt"], model: model)
                v += 1
            }
            _ = try writer.commitStaged()
        }
        return finish("wide", path, versions: versions, tensors: 3, ref: "model-\((versions - 1) % names)", since: start, say: say)
    }

    /// A 104-tensor model (FILE, or synthetic) and its fine-tunes, two small tensors changed each.
    static func buildDeep(at path: String, versions: Int, model file: String?, say: (String) -> Void) throws -> Built {
        try? FileManager.default.removeItem(atPath: path)
        let store = try Store.create(at: path)
        let start = Date()
        if let file {
            _ = try store.importFile(file, name: "encoder", codec: .planes)
        } else {
            let writer = try StoreWriter(store: store)
            for t in 0..<104 {
                let b = bytes(t % 4 == 0 ? 16_384 : 1_536, seed: 1000 + t)
                try b.withUnsafeBytes { try writer.addEncoded(record: record("encoder.layer.\(t / 8).tensor\(t % 8)", b), stream: $0) }
            }
            try writer.commit(name: "encoder", metadata: nil,
                              model: ModelDescription(layers: [], lineage: training(nil, step: 0)))
        }
        var (parent, manifest, config) = try store.load(try ModelReference(parsing: "encoder"))
        guard config.tensors.count == 104 else {
            throw StoreError(.invalidArgument, "the deep store's model has \(config.tensors.count) tensors, not 104")
        }
        // The two smallest tensors change with each fine-tune; the rest are the first version's blobs.
        let small = config.tensors.indices.sorted { config.tensors[$0].rawBytes < config.tensors[$1].rawBytes }.prefix(2)
        var parentDigest = parent.digest
        var v = 1
        while v < versions {
            let writer = try StoreWriter(store: store)
            for _ in 0..<min(500, versions - v) {
                for (i, (r, layer)) in zip(config.tensors, manifest.layers).enumerated() {
                    if small.contains(i) {
                        let b = bytes(Int(r.rawBytes), seed: v * 2 + i)
                        try b.withUnsafeBytes {
                            _ = try writer.addTensor(name: r.name, dtype: r.dtype, shape: r.shape, raw: $0, codec: .raw)
                        }
                    } else {
                        try writer.reuse(record: r, blob: layer.digest)
                    }
                }
                parentDigest = try writer.stage(name: "encoder", metadata: config.metadata,
                                                model: ModelDescription(layers: config.model.layers, lineage: training(parentDigest, step: v)))
                v += 1
            }
            _ = try writer.commitStaged()
        }
        (parent, manifest, config) = try store.load(try ModelReference(parsing: "encoder"))
        return finish("deep", path, versions: versions, tensors: 104, ref: "encoder", since: start, say: say)
    }

    /// One model whose versions each derive from the one before (one of 4 tiny tensors changes).
    static func buildChain(at path: String, versions: Int, say: (String) -> Void) throws -> Built {
        try? FileManager.default.removeItem(atPath: path)
        let store = try Store.create(at: path)
        let start = Date()
        let writer = try StoreWriter(store: store)
        var parent: Digest?
        for v in 0..<versions {
            for t in 0..<4 {
                let b = bytes(128, seed: t == v % 4 ? v + 17 : t)
                try b.withUnsafeBytes { try writer.addEncoded(record: record("block.\(t).weight", b), stream: $0) }
            }
            parent = try writer.stage(name: "chain", metadata: nil, model: ModelDescription(layers: [], lineage: training(parent, step: v)))
        }
        _ = try writer.commitStaged()
        return finish("chain", path, versions: versions, tensors: 4, ref: "chain", since: start, say: say)
    }

    /// A 3-tensor safetensors file for the import timing.
    static func writeTinyFile(_ path: String) throws {
        let tensors: [(name: String, dtype: DType, shape: [Int])] = (0..<3).map { ("tiny.\($0).weight", .f32, [4, 4]) }
        let writer = try SafetensorsWriter(path: path, tensors: tensors, metadata: nil)
        for t in 0..<3 {
            let b = bytes(64, seed: 99 + t)
            try b.withUnsafeBytes { try writer.write($0) }
        }
        try writer.finish()
    }
}
