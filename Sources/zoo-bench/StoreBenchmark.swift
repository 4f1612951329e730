import Foundation
import ZooFormat
import ZooModel
import ZooRegistry

/// `zoo-bench store [--versions N] [--tensors T] [--names K] [--keep]`: builds a store of N
/// versions (K names, T small tensors each, shared across versions as slices and grafts share
/// them), then times `list` (reads index.json) and `inspect` (index, manifest, config) in process,
/// and the `zoo list --json` command when the `zoo` executable sits beside this one.
func runStoreBenchmark(arguments: [String]) throws {
    func option(_ name: String, _ fallback: Int) -> Int {
        guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count, let v = Int(arguments[i + 1]), v > 0 else { return fallback }
        return v
    }
    let versions = option("--versions", 1000)
    let tensors = option("--tensors", 100)
    let names = option("--names", 10)
    let directory = NSTemporaryDirectory() + "zoo-bench-store-\(getpid())"
    defer { if !arguments.contains("--keep") { try? FileManager.default.removeItem(atPath: directory) } }
    let store = try Store.create(at: directory)

    // Small distinct tensors: tensor t of version v holds bytes derived from (t, v % 7), so the
    // store dedupes most streams, as it would for a family of slices and fine-tunes.
    func record(_ name: String, _ bytes: [UInt8]) -> TensorRecord {
        TensorRecord(name: name, dtype: .f32, shape: [bytes.count / 4], codec: .raw, rawBytes: UInt64(bytes.count),
                     storedBytes: UInt64(bytes.count), sha256: String(repeating: "0", count: 64),
                     chunks: [ChunkRecord(offset: 0, storedLength: UInt64(bytes.count), rawLength: UInt64(bytes.count), crc32: 0)])
    }
    let start = Date()
    var parent: Digest?
    for v in 0..<versions {
        let writer = try StoreWriter(store: store)
        for t in 0..<tensors {
            let bytes = (0..<256).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ t &* 7 &+ (v % 7)) }
            let name = "encoder.layer.\(t / 16).attention.self.tensor\(t % 16).weight"
            try bytes.withUnsafeBytes { try writer.addEncoded(record: record(name, bytes), stream: $0) }
        }
        let lineage = LineageRecord(parent: parent?.description, operation: v % names == 0 ? "import" : "train",
                                    parameters: ["epochs": .number(3), "seed": .number(Double(v))])
        let model = ModelDescription(layers: [], metadata: ModelMetadata(task: "classification", source: "bench"), lineage: lineage)
        let committed = try writer.commit(name: "model-\(v % names)", tag: v % 50 == 0 ? "t\(v)" : nil,
                                          metadata: ["format": "pt"], model: model)
        parent = committed.digest
    }
    let built = Date().timeIntervalSince(start)
    let indexBytes = (try? FileManager.default.attributesOfItem(atPath: directory + "/index.json")[.size] as? Int) ?? 0
    print("store: \(versions) versions x \(tensors) tensors built in \(String(format: "%.1f", built)) s; index.json \(indexBytes) bytes")

    func median(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
        var times: [Double] = []
        for _ in 0..<runs {
            let t0 = Date()
            try body()
            times.append(Date().timeIntervalSince(t0))
        }
        return times.sorted()[runs / 2] * 1000
    }
    let listed = try store.list()
    guard listed.count == versions else { throw StoreError(.corrupt, "listed \(listed.count) versions, built \(versions)") }
    let list = try median(7) { _ = try store.list() }
    let last = "model-\((versions - 1) % names)"
    let inspect = try median(7) { _ = try store.load(try ModelReference(parsing: last)) }
    let lineage = try median(3) { _ = try store.lineage(try ModelReference(parsing: last)) }
    print(String(format: "list (in process): %.1f ms median of 7", list))
    print(String(format: "inspect %@ (in process: resolve + manifest + config): %.1f ms median of 7", last, inspect))
    print(String(format: "lineage %@ (%d steps): %.1f ms median of 3", last, versions, lineage))

    let zoo = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("zoo").path
    if FileManager.default.isExecutableFile(atPath: zoo) {
        for args in [["list", "--json"], ["list"]] {
            let wall = try median(5) {
                let p = Process()
                p.executableURL = URL(fileURLWithPath: zoo)
                p.arguments = args + ["--zoo", directory]
                p.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
                try p.run()
                p.waitUntilExit()
                guard p.terminationStatus == 0 else { throw StoreError(.io, "zoo \(args.joined(separator: " ")) failed") }
            }
            print(String(format: "zoo %@ (process, wall): %.1f ms median of 5", args.joined(separator: " "), wall))
        }
    }
}
