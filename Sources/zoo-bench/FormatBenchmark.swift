import CZlib
import Foundation
import ZooFormat

/// `zoo-bench format MODEL.safetensors [--repeat N] [--json] [--codecs raw,deflate,planes] [--no-zipnn]`:
/// on a real model's float32 tensors, and on the same tensors cast to bfloat16: for each codec, the
/// stored size as a share of raw and encode and decode throughput in raw MB/s; beside them, in the
/// same run and round by round, ZipNN on the same bytes when its Python package is installed, and
/// (tables only) plain zlib on one stream. Every figure is measured `N` times and reported as its
/// best and its range. Tables also show how long opening a file takes (header/index only) against its
/// size, what guarding the map costs a raw read (`benchmarkGuardedReads`), and a `zoo convert`
/// round trip. `--json` prints one object:
/// `{"fp32": {"planes": {"ratio", "encode_mbps", "decode_mbps", ...}, "zipnn": {...}}, "bf16": {...}}`.
/// Returns the exit status.
func runFormatBenchmark(arguments: [String]) -> Int32 {
    var options = FormatBenchmarkOptions()
    var i = 0
    while i < arguments.count {
        let a = arguments[i]
        switch a {
        case "--repeat" where i + 1 < arguments.count:
            guard let n = Int(arguments[i + 1]), n > 0 else { return formatUsage() }
            options.repeats = n
            i += 1
        case "--codecs" where i + 1 < arguments.count:
            let names = arguments[i + 1].split(separator: ",").map(String.init)
            let codecs = names.compactMap(Codec.init(rawValue:))
            guard codecs.count == names.count, !codecs.isEmpty else { return formatUsage() }
            options.codecs = codecs
            i += 1
        case "--json": options.json = true
        case "--no-zipnn": options.zipnn = false
        default:
            guard !a.hasPrefix("-"), options.path == nil else { return formatUsage() }
            options.path = a
        }
        i += 1
    }
    guard let path = options.path else { return formatUsage() }
    do {
        let file = try SafetensorsFile(path: path)
        let tensors = file.tensors.filter { $0.dtype == .f32 }.map { entry in
            BenchTensor(name: entry.name, dtype: entry.dtype, shape: entry.shape, bytes: Array(file.bytes(of: entry)))
        }
        guard !tensors.isEmpty else { throw FormatError(.invalidArgument, "\(path) has no float32 tensors to measure") }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let zipnn = options.zipnn ? ZipNNReference(model: path) : nil
        if !options.json {
            print("model \(path): \(tensors.count) float32 tensors of \(file.tensors.count), \(tensors.reduce(0) { $0 + $1.bytes.count }) raw bytes; \(cores) cores; \(options.repeats) rounds, zoo and ZipNN back to back in each")
            if let zipnn { print("ZipNN \(zipnn.version) (Python package, C + huff0), same bytes, same rounds") }
        }
        var report: [String: Any] = ["model": path, "cores": cores, "repeats": options.repeats, "tensors": tensors.count]
        if let zipnn { report["zipnn_version"] = zipnn.version }
        report["fp32"] = try benchmarkModel("fp32", "fp32 (as stored)", tensors, options: options, zipnn: zipnn)
        report["bf16"] = try benchmarkModel("bf16", "bf16 (cast, round to nearest even)", tensors.map { $0.castToBF16() },
                                            options: options, zipnn: zipnn)
        if options.json {
            let data = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys, .prettyPrinted])
            print(String(decoding: data, as: UTF8.self))
        } else {
            try benchmarkOpen(path, tensors, repeats: options.repeats)
            try benchmarkGuardedReads(tensors, repeats: max(options.repeats, 10))
            try benchmarkRoundTrip(path)
        }
        return 0
    } catch let error as FormatError {
        FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
        return 1
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        return 1
    }
}

/// What `zoo-bench format` was asked to do.
struct FormatBenchmarkOptions {
    var path: String?
    var repeats = 5
    var json = false
    var codecs: [Codec] = [.raw, .deflate, .planes]
    var zipnn = true
}

func formatUsage() -> Int32 {
    FileHandle.standardError.write(Data("usage: zoo-bench format MODEL.safetensors [--repeat N] [--json] [--codecs raw,deflate,planes] [--no-zipnn]\n".utf8))
    return 64
}

/// One tensor held in memory for the benchmark.
struct BenchTensor {
    var name: String
    var dtype: DType
    var shape: [Int]
    var bytes: [UInt8]

    /// The tensor stacked `n` times along a new leading dimension (same name, n× the bytes).
    func repeated(_ n: Int) -> BenchTensor {
        BenchTensor(name: name, dtype: dtype, shape: [n] + shape, bytes: Array((0..<n).map { _ in bytes }.joined()))
    }

    /// The tensor cast to bfloat16 (float32 only; others unchanged), rounding to nearest even as
    /// PyTorch's `.to(torch.bfloat16)` does.
    func castToBF16() -> BenchTensor {
        guard dtype == .f32 else { return self }
        var out = [UInt8](repeating: 0, count: bytes.count / 2)
        bytes.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in
                for i in 0..<(bytes.count / 4) {
                    let bits = src.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)
                    let rounded: UInt32
                    if (bits & 0x7F80_0000) == 0x7F80_0000 && (bits & 0x007F_FFFF) != 0 {
                        rounded = (bits >> 16) | 0x40 // quiet NaN stays NaN
                    } else {
                        rounded = (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16
                    }
                    dst.storeBytes(of: UInt16(truncatingIfNeeded: rounded), toByteOffset: i * 2, as: UInt16.self)
                }
            }
        }
        return BenchTensor(name: name, dtype: .bf16, shape: shape, bytes: out)
    }
}

/// Wall-clock seconds of one run of `body`.
func timed(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// CPU seconds this process has used, all threads.
func processCPUSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// Wall-clock and CPU seconds (all threads) of one run of `body`.
func timedWithCPU(_ body: () throws -> Void) rethrows -> (wall: Double, cpu: Double) {
    let cpu = processCPUSeconds()
    let wall = try timed(body)
    return (wall, processCPUSeconds() - cpu)
}

/// Wall-clock seconds of the fastest of `repeats` runs of `body`.
func bestTime(_ repeats: Int, _ body: () throws -> Void) rethrows -> Double {
    var best = Double.infinity
    for _ in 0..<repeats { best = min(best, try timed(body)) }
    return best
}

/// Throughputs of repeated runs of one method, in raw MB/s.
struct Rates {
    var values: [Double] = []
    mutating func add(_ bytes: Int, _ seconds: Double) { values.append(Double(bytes) / 1e6 / seconds) }
    var best: Double { values.max() ?? 0 }
    var range: String { String(format: "%.0f-%.0f", values.min() ?? 0, values.max() ?? 0) }
    var json: [Double] { [values.min() ?? 0, values.max() ?? 0].map { ($0 * 10).rounded() / 10 } }
}

/// One codec's streams for every tensor.
struct EncodedModel {
    var streams: [(TensorRecord, [UInt8])] = []
    var storedBytes: Int { streams.reduce(0) { $0 + $1.1.count } }
}

/// Encodes every tensor into its own byte array (room reserved for the stored bytes, as a writer's
/// buffer would be), grouped as a store import or `zoo convert` groups them
/// (`CheckpointWriter.batches`): a large tensor alone over all cores, small ones several at once.
func encodeModel(_ tensors: [BenchTensor], codec: Codec) throws -> EncodedModel {
    var model = EncodedModel()
    model.streams.reserveCapacity(tensors.count)
    for range in CheckpointWriter.batches(sizes: tensors.map(\.bytes.count)) {
        let first = tensors[range.lowerBound]
        if first.bytes.count >= CheckpointWriter.aloneFromBytes {
            var stream: [UInt8] = []
            stream.reserveCapacity(first.bytes.count + first.bytes.count / 256 + 64)
            let record = try first.bytes.withUnsafeBytes { raw -> TensorRecord in
                try TensorCodec.encode(name: first.name, dtype: first.dtype, shape: first.shape, raw: raw, codec: codec, level: 6) { (chunk) throws(FormatError) in
                    stream.append(contentsOf: chunk)
                }
            }
            model.streams.append((record, stream))
            continue
        }
        let pending = tensors[range].map {
            PendingTensor(name: $0.name, dtype: $0.dtype, shape: $0.shape, bytes: TensorBytes(owning: $0.bytes))
        }
        for result in TensorCodec.encodeConcurrently(pending, codec: codec, level: 6) {
            model.streams.append(try result.get())
        }
    }
    return model
}

/// Decodes every tensor into freshly allocated memory with one batch call, as a reader loading a
/// model does (and as ZipNN's decompress of the whole model does), checking every chunk's CRC.
/// The caller frees it.
func decodeModel(_ model: EncodedModel) throws -> [UnsafeMutableRawBufferPointer] {
    let outputs = model.streams.map { UnsafeMutableRawBufferPointer.allocate(byteCount: Int($0.0.rawBytes), alignment: 64) }
    do {
        try withStreams(model.streams[...]) { streams in
            try TensorCodec.decode(zip(model.streams, zip(streams, outputs)).map {
                TensorDecoding(record: $0.0.0, stream: $0.1.0, output: $0.1.1)
            })
        }
    } catch {
        outputs.forEach { $0.deallocate() }
        throw error
    }
    return outputs
}

/// Calls `body` with the bytes of every stream, valid during the call.
func withStreams(_ streams: ArraySlice<(TensorRecord, [UInt8])>, _ pointers: [UnsafeRawBufferPointer] = [],
                 _ body: ([UnsafeRawBufferPointer]) throws -> Void) throws {
    guard let first = streams.first else { return try body(pointers) }
    try first.1.withUnsafeBytes { try withStreams(streams.dropFirst(), pointers + [$0], body) }
}

/// Measures every codec (and ZipNN) on `tensors`, round by round; prints a table unless `--json`
/// and returns the figures for the JSON report.
func benchmarkModel(_ variant: String, _ label: String, _ tensors: [BenchTensor], options: FormatBenchmarkOptions,
                    zipnn: ZipNNReference?) throws -> [String: Any] {
    let raw = tensors.reduce(0) { $0 + $1.bytes.count }
    var zipnn = zipnn
    if let reference = zipnn {
        var hasher = SHA256Hasher()
        for t in tensors { hasher.update(t.bytes) }
        let ours = hasher.finalizeHex()
        let theirs = reference.prepare(variant)
        if theirs != ours {
            FileHandle.standardError.write(Data("note: ZipNN's \(variant) bytes differ from ours (SHA-256 \(theirs ?? "none") vs \(ours)); ZipNN not reported\n".utf8))
            zipnn = nil
        }
    }
    var encoded: [Codec: EncodedModel] = [:]
    var encodeRates: [Codec: Rates] = [:], decodeRates: [Codec: Rates] = [:], parallelRates: [Codec: Rates] = [:]
    var encodeCPU: [Codec: Rates] = [:], decodeCPU: [Codec: Rates] = [:]
    var zipnnEncode = Rates(), zipnnDecode = Rates(), zipnnEncodeCPU = Rates(), zipnnDecodeCPU = Rates()
    var zipnnStored = 0
    for _ in 0..<options.repeats {
        for codec in options.codecs {
            var model = EncodedModel()
            let encode = try timedWithCPU { model = try encodeModel(tensors, codec: codec) }
            encodeRates[codec, default: Rates()].add(raw, encode.wall)
            encodeCPU[codec, default: Rates()].add(raw, encode.cpu)
            var outputs: [UnsafeMutableRawBufferPointer] = []
            let decode = try timedWithCPU { outputs = try decodeModel(model) }
            decodeRates[codec, default: Rates()].add(raw, decode.wall)
            decodeCPU[codec, default: Rates()].add(raw, decode.cpu)
            let identical = zip(outputs, tensors).allSatisfy { output, t in t.bytes.withUnsafeBytes { $0.elementsEqual(output) } }
            outputs.forEach { $0.deallocate() }
            guard identical else { throw FormatError(.corruptData, "\(codec.rawValue) did not decode to the original bytes") }
            parallelRates[codec, default: Rates()].add(raw, try timed { try decodeInParallel(model.streams) })
            encoded[codec] = model
        }
        if let zipnn {
            guard let round = zipnn.round() else { throw FormatError(.io, "the ZipNN helper stopped answering") }
            zipnnEncode.add(raw, round.encodeSeconds)
            zipnnDecode.add(raw, round.decodeSeconds)
            zipnnEncodeCPU.add(raw, round.encodeCPUSeconds)
            zipnnDecodeCPU.add(raw, round.decodeCPUSeconds)
            zipnnStored = round.storedBytes
        }
    }
    var result: [String: Any] = ["raw_bytes": raw]
    if !options.json {
        print("\n\(label): \(raw) raw bytes (\(String(format: "%.1f", Double(raw) / 1e6)) MB); MB/s best (range)")
        print(row(["method", "stored", "encode MB/s", "decode MB/s", "decode, tensors in parallel", "MB per CPU-s enc/dec"]))
    }
    for codec in options.codecs {
        let stored = encoded[codec]?.storedBytes ?? 0
        let e = encodeRates[codec] ?? Rates(), d = decodeRates[codec] ?? Rates(), p = parallelRates[codec] ?? Rates()
        let ec = encodeCPU[codec] ?? Rates(), dc = decodeCPU[codec] ?? Rates()
        result[codec.rawValue] = ["ratio": Double(stored) / Double(raw), "stored_bytes": stored,
                                  "encode_mbps": e.best, "decode_mbps": d.best, "decode_parallel_mbps": p.best,
                                  "encode_mbps_range": e.json, "decode_mbps_range": d.json, "decode_parallel_mbps_range": p.json,
                                  "encode_cpu_mbps": ec.best, "decode_cpu_mbps": dc.best]
        if !options.json {
            print(row([codec.rawValue, percent(stored, raw), "\(rate(e.best)) (\(e.range))", "\(rate(d.best)) (\(d.range))",
                       "\(rate(p.best)) (\(p.range))", "\(rate(ec.best))/\(rate(dc.best))"]))
        }
    }
    if zipnn != nil {
        result["zipnn"] = ["ratio": Double(zipnnStored) / Double(raw), "stored_bytes": zipnnStored,
                           "encode_mbps": zipnnEncode.best, "decode_mbps": zipnnDecode.best,
                           "encode_mbps_range": zipnnEncode.json, "decode_mbps_range": zipnnDecode.json,
                           "encode_cpu_mbps": zipnnEncodeCPU.best, "decode_cpu_mbps": zipnnDecodeCPU.best]
        if !options.json {
            print(row(["ZipNN", percent(zipnnStored, raw), "\(rate(zipnnEncode.best)) (\(zipnnEncode.range))",
                       "\(rate(zipnnDecode.best)) (\(zipnnDecode.range))", "-",
                       "\(rate(zipnnEncodeCPU.best))/\(rate(zipnnDecodeCPU.best))"]))
        }
    }
    if !options.json {
        let whole = tensors.flatMap(\.bytes)
        for level in [1, 6] {
            var compressed: [UInt8] = []
            let encodeTime = bestTime(options.repeats) { compressed = zlibCompress(whole, level: level) }
            var restored: [UInt8] = []
            let decodeTime = bestTime(options.repeats) { restored = zlibDecompress(compressed, rawCount: whole.count) }
            guard restored == whole else { throw FormatError(.corruptData, "zlib reference did not round-trip") }
            print(row(["zlib-\(level), 1 stream", percent(compressed.count, raw), rate(Double(raw) / 1e6 / encodeTime),
                       rate(Double(raw) / 1e6 / decodeTime), "-"]))
        }
    }
    return result
}

/// A table row: first column left-aligned, the others right-aligned.
func row(_ cells: [String]) -> String {
    let widths = [20, 8, 18, 18, 28, 22]
    return cells.enumerated().map { i, cell in
        let pad = String(repeating: " ", count: max(0, widths[min(i, widths.count - 1)] - cell.count))
        return i == 0 ? cell + pad : pad + cell
    }.joined(separator: " ")
}

func percent(_ part: Int, _ whole: Int) -> String { String(format: "%.1f%%", 100 * Double(part) / Double(whole)) }
func rate(_ mbps: Double) -> String { String(format: "%.0f", mbps) }
/// MB/s of `bytes` done in `seconds`, as a table cell.
func rate(_ bytes: Int, _ seconds: Double) -> String { rate(Double(bytes) / 1e6 / seconds) }

/// Decodes every tensor's stream with the tensors spread over all cores (as a reader loading a
/// whole model can), into fresh buffers; checks nothing but the codec's own CRCs.
func decodeInParallel(_ streams: [(TensorRecord, [UInt8])]) throws {
    // Each iteration writes only its own buffer, so sharing the array of buffers is safe.
    nonisolated(unsafe) let outputs = streams.map { UnsafeMutableRawBufferPointer.allocate(byteCount: Int($0.0.rawBytes), alignment: 64) }
    defer { outputs.forEach { $0.deallocate() } }
    let failure = FailureBox()
    DispatchQueue.concurrentPerform(iterations: streams.count) { i in
        streams[i].1.withUnsafeBytes { stream in
            do { try TensorCodec.decode(record: streams[i].0, stream: stream, into: outputs[i]) } catch { failure.set(error) }
        }
    }
    if let error = failure.error { throw error }
}

/// The first error from concurrent work.
final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Error?
    var error: Error? { lock.lock(); defer { lock.unlock() }; return stored }
    func set(_ error: Error) { lock.lock(); if stored == nil { stored = error }; lock.unlock() }
}

/// One zlib stream over all of `bytes` (the "plain zlib" reference).
func zlibCompress(_ bytes: [UInt8], level: Int) -> [UInt8] {
    var size = compressBound(uLong(bytes.count))
    var out = [UInt8](repeating: 0, count: Int(size))
    _ = out.withUnsafeMutableBufferPointer { o in
        bytes.withUnsafeBufferPointer { i in compress2(o.baseAddress, &size, i.baseAddress, uLong(bytes.count), Int32(level)) }
    }
    out.removeSubrange(Int(size)...)
    return out
}

func zlibDecompress(_ bytes: [UInt8], rawCount: Int) -> [UInt8] {
    var size = uLong(rawCount)
    var out = [UInt8](repeating: 0, count: rawCount)
    _ = out.withUnsafeMutableBufferPointer { o in
        bytes.withUnsafeBufferPointer { i in uncompress(o.baseAddress, &size, i.baseAddress, uLong(bytes.count)) }
    }
    return out
}

/// Opening a file reads its header or index only: the time stays flat as the file grows. Writes
/// the model as .zckpt (planes) and as a copy with every tensor repeated 4 times, and times opening
/// each, next to reading every byte of the file once.
func benchmarkOpen(_ path: String, _ tensors: [BenchTensor], repeats: Int) throws {
    let folder = NSTemporaryDirectory() + "zoo-bench-\(getpid())"
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    print("\nopen (what inspect reads: footer and index) vs file size; read-all = every byte once, from the page cache")
    print(row(["file", "size MB", "open ms", "read-all ms", "tensors"]))
    let variants: [(String, [BenchTensor])] = [
        ("zckpt planes", tensors),
        ("zckpt, 4x data each", tensors.map { $0.repeated(4) }),
        ("zckpt, 4x tensors", (0..<4).flatMap { copy in tensors.map { var t = $0; t.name = "\(copy).\(t.name)"; return t } }),
    ]
    for (label, set) in variants {
        let zckpt = folder + "/\(label.filter { $0.isLetter || $0.isNumber }).zckpt"
        let writer = try CheckpointWriter(path: zckpt)
        for t in set {
            _ = try t.bytes.withUnsafeBytes { raw in
                try writer.addTensor(name: t.name, dtype: t.dtype, shape: t.shape, raw: raw, codec: .planes)
            }
        }
        try writer.finish()
        try printOpenRow(label, zckpt, tensors: set.count) { _ = try CheckpointReader(path: zckpt) }
    }
    try printOpenRow("safetensors (input)", path, tensors: tensors.count) { _ = try SafetensorsFile(path: path) }
}

func printOpenRow(_ label: String, _ path: String, tensors: Int, repeats: Int = 5, open: () throws -> Void) throws {
    let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
    let openTime = try bestTime(repeats, open)
    let readAll = try bestTime(repeats) { _ = try Data(contentsOf: URL(fileURLWithPath: path)) }
    print(row([label, String(format: "%.1f", Double(size) / 1e6), String(format: "%.2f", openTime * 1e3),
               String(format: "%.1f", readAll * 1e3), "\(tensors)"]))
}

/// The whole `zoo convert` path on the model: safetensors -> .zckpt (planes) -> safetensors, timed,
/// and whether the result is byte-identical to the input.
func benchmarkRoundTrip(_ path: String) throws {
    let folder = NSTemporaryDirectory() + "zoo-bench-roundtrip-\(getpid())"
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let zckpt = folder + "/model.zckpt", back = folder + "/model.safetensors"
    var start = DispatchTime.now().uptimeNanoseconds
    let there = try CheckpointConversion.convert(from: path, to: zckpt)
    let encodeSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    start = DispatchTime.now().uptimeNanoseconds
    _ = try CheckpointConversion.convert(from: zckpt, to: back)
    let decodeSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let identical = FileManager.default.contentsEqual(atPath: path, andPath: back)
    print("\nround trip with zoo convert (planes): to .zckpt \(String(format: "%.2f", encodeSeconds)) s, back \(String(format: "%.2f", decodeSeconds)) s; .zckpt is \(percent(Int(there.outputBytes), Int(there.rawBytes))) of raw; byte-identical: \(identical ? "yes" : "NO")")
    if !identical { throw FormatError(.corruptData, "the round trip did not reproduce \(path)") }
}
