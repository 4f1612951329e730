import CZlib
import Foundation
import ZooFormat

/// `zoo-bench format MODEL.safetensors`: on a real model, for each codec and for plain zlib
/// (levels 1 and 6, whole raw bytes, one stream) in the same run: stored size as a share of raw,
/// encode and decode throughput in raw MB/s; the same for the model cast to bfloat16; and how long
/// opening a file takes (header/index only) against its size. Returns the exit status.
func runFormatBenchmark(arguments: [String]) -> Int32 {
    guard let path = arguments.first else {
        FileHandle.standardError.write(Data("usage: zoo-bench format MODEL.safetensors [--repeat N]\n".utf8))
        return 64
    }
    var repeats = 3
    if let i = arguments.firstIndex(of: "--repeat"), i + 1 < arguments.count, let n = Int(arguments[i + 1]), n > 0 { repeats = n }
    do {
        let file = try SafetensorsFile(path: path)
        let tensors = file.tensors.map { entry in
            BenchTensor(name: entry.name, dtype: entry.dtype, shape: entry.shape, bytes: Array(file.bytes(of: entry)))
        }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        print("model \(path): \(tensors.count) tensors, \(tensors.reduce(0) { $0 + $1.bytes.count }) raw bytes; \(cores) cores; best of \(repeats)")
        try benchmarkModel("fp32 (as stored)", tensors, repeats: repeats)
        try benchmarkModel("bf16 (cast, round to nearest even)", tensors.map { $0.castToBF16() }, repeats: repeats)
        try benchmarkOpen(path, tensors, repeats: repeats)
        try benchmarkRoundTrip(path)
        return 0
    } catch let error as FormatError {
        FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
        return 1
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        return 1
    }
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

/// Wall-clock seconds of the fastest of `repeats` runs of `body`.
func bestTime(_ repeats: Int, _ body: () throws -> Void) rethrows -> Double {
    var best = Double.infinity
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    return best
}

func benchmarkModel(_ label: String, _ tensors: [BenchTensor], repeats: Int) throws {
    let raw = tensors.reduce(0) { $0 + $1.bytes.count }
    print("\n\(label): \(raw) raw bytes (\(String(format: "%.1f", Double(raw) / 1e6)) MB)")
    print(row(["method", "stored", "encode MB/s", "decode MB/s", "decode MB/s, tensors in parallel"]))
    for codec in [Codec.raw, .deflate, .planes] {
        var streams: [(TensorRecord, [UInt8])] = []
        let encodeTime = try bestTime(repeats) {
            streams.removeAll(keepingCapacity: true)
            for t in tensors {
                var stream: [UInt8] = []
                let record = try t.bytes.withUnsafeBytes { raw -> TensorRecord in
                    try TensorCodec.encode(name: t.name, dtype: t.dtype, shape: t.shape, raw: raw, codec: codec, level: 6) { (chunk) throws(FormatError) in
                        stream.append(contentsOf: chunk)
                    }
                }
                streams.append((record, stream))
            }
        }
        let stored = streams.reduce(0) { $0 + $1.1.count }
        var outputs = tensors.map { [UInt8](repeating: 0, count: $0.bytes.count) }
        let decodeTime = try bestTime(repeats) {
            for (i, (record, stream)) in streams.enumerated() {
                try stream.withUnsafeBytes { s in
                    try outputs[i].withUnsafeMutableBytes { o in
                        try TensorCodec.decode(record: record, stream: s, into: o)
                    }
                }
            }
        }
        guard zip(outputs, tensors).allSatisfy({ $0 == $1.bytes }) else {
            throw FormatError(.corruptData, "\(codec.rawValue) did not decode to the original bytes")
        }
        let parallelTime = try bestTime(repeats) { try decodeInParallel(streams) }
        print(row([codec.rawValue, percent(stored, raw), rate(raw, encodeTime), rate(raw, decodeTime), rate(raw, parallelTime)]))
    }
    let whole = tensors.flatMap(\.bytes)
    for level in [1, 6] {
        var compressed: [UInt8] = []
        let encodeTime = bestTime(repeats) { compressed = zlibCompress(whole, level: level) }
        var restored: [UInt8] = []
        let decodeTime = bestTime(repeats) { restored = zlibDecompress(compressed, rawCount: whole.count) }
        guard restored == whole else { throw FormatError(.corruptData, "zlib reference did not round-trip") }
        print(row(["zlib-\(level), 1 stream", percent(compressed.count, raw), rate(raw, encodeTime), rate(raw, decodeTime), "-"]))
    }
}

/// A table row: first column left-aligned, the others right-aligned.
func row(_ cells: [String]) -> String {
    let widths = [20, 8, 12, 12, 34]
    return cells.enumerated().map { i, cell in
        let pad = String(repeating: " ", count: max(0, widths[min(i, widths.count - 1)] - cell.count))
        return i == 0 ? cell + pad : pad + cell
    }.joined(separator: " ")
}

func percent(_ part: Int, _ whole: Int) -> String { String(format: "%.1f%%", 100 * Double(part) / Double(whole)) }
func rate(_ bytes: Int, _ seconds: Double) -> String { String(format: "%.0f", Double(bytes) / 1e6 / seconds) }

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
