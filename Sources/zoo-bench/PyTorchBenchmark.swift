import Foundation
import ZooFormat

/// `zoo-bench pytorch CHECKPOINT.pth [--repeat N] [--python PATH]`: reading a PyTorch checkpoint
/// with zoo against `torch.load` on the same file in the same run, best of N each, page cache warm.
///
/// "zoo read" is what `zoo import` and `zoo convert` do before encoding: open the file, parse the
/// pickle and the container, and read every tensor's bytes (zip CRC-32s checked, strided views
/// gathered contiguous) where they lie in the mapped file; every byte is loaded, so nothing is
/// left lazily unread. Also reported: the same with every tensor copied out into a buffer of its
/// own (what a library user holding all tensors at once would pay), and opening alone (pickle and
/// directory, no tensor bytes: what `zoo inspect` costs). `torch.load` runs in `--python` (default
/// /usr/bin/python3, Debian's torch), timed inside Python so start-up and `import torch` are not
/// counted, one load per round interleaved with zoo's so both see the same machine load; with
/// `weights_only=True` too when that torch has it. Returns 0 when zoo's read is not slower than
/// torch.load.
func runPyTorchBenchmark(arguments: [String]) -> Int32 {
    guard let path = arguments.first else {
        FileHandle.standardError.write(Data("usage: zoo-bench pytorch CHECKPOINT.pth [--repeat N] [--python PATH]\n".utf8))
        return 64
    }
    var repeats = 7
    if let i = arguments.firstIndex(of: "--repeat"), i + 1 < arguments.count, let n = Int(arguments[i + 1]), n > 0 { repeats = n }
    var python = "/usr/bin/python3"
    if let i = arguments.firstIndex(of: "--python"), i + 1 < arguments.count { python = arguments[i + 1] }
    do {
        // Warm the page cache for both readers.
        _ = try Data(contentsOf: URL(fileURLWithPath: path))
        var tensorCount = 0, byteCount = 0, checksum: UInt32 = 0
        func readAll() throws {
            let source = try TensorSource(path: path)
            var buffers: [[UInt8]] = []
            buffers.reserveCapacity(source.tensors.count)
            for i in source.tensors.indices { buffers.append(try source.bytes(of: i).array) }
            tensorCount = buffers.count
            byteCount = buffers.reduce(0) { $0 + $1.count }
            checksum = buffers.last.map { CRC32.checksum($0) } ?? 0
        }
        func readInPlace() throws {
            let source = try TensorSource(path: path)
            var crc: UInt32 = 0
            for i in source.tensors.indices { crc ^= try source.bytes(of: i).withUnsafeBytes(fold) }
            checksum ^= crc & 0
        }
        // Interleaved, one run of each reader per round, so both see the same machine load.
        let torchProcess = try TorchLoader(python: python, path: path)
        var read = Double.infinity, borrowed = Double.infinity, open = Double.infinity
        var torch = (load: Double.infinity, weightsOnly: Double?.none)
        for _ in 0..<repeats {
            read = min(read, try bestTime(1, readAll))
            torch.load = min(torch.load, try torchProcess.time(weightsOnly: false))
            borrowed = min(borrowed, try bestTime(1, readInPlace))
            if torchProcess.hasWeightsOnly { torch.weightsOnly = min(torch.weightsOnly ?? .infinity, try torchProcess.time(weightsOnly: true)) }
            open = min(open, try bestTime(1) { _ = try TensorSource(path: path) })
        }
        torchProcess.close()
        print("checkpoint \(path): \(tensorCount) tensors, \(byteCount) bytes (last tensor CRC-32 \(String(checksum, radix: 16))); best of \(repeats), interleaved")
        print(tableRow(["reader", "seconds", "MB/s", "vs torch.load"]))
        func line(_ label: String, _ seconds: Double) {
            print(tableRow([label, String(format: "%.4f", seconds), rate(byteCount, seconds), String(format: "%.2fx", seconds / torch.load)]))
        }
        line("torch.load", torch.load)
        if let safe = torch.weightsOnly { line("torch.load(weights_only=True)", safe) }
        line("zoo read (open + every tensor's bytes)", borrowed)
        line("zoo read + copy of every tensor", read)
        line("zoo open only (pickle + directory)", open)
        print(String(format: "zoo reads the checkpoint in %.2f of torch.load's time: %@", borrowed / torch.load,
                     borrowed <= torch.load ? "not slower" : "SLOWER"))
        return borrowed <= torch.load ? 0 : 1
    } catch let error as FormatError {
        FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
        return 1
    } catch {
        FileHandle.standardError.write(Data("error: \(error)\n".utf8))
        return 1
    }
}

/// A Python process that times one `torch.load(path)` per request, so its runs can be interleaved
/// with zoo's; interpreter start-up and `import torch` are not counted.
private final class TorchLoader {
    private let process = Process()
    private let input = Pipe(), output = Pipe()
    private var buffer = Data()
    /// Whether this torch has `weights_only` (1.13 and later).
    private(set) var hasWeightsOnly = false

    init(python: String, path: String) throws {
        let script = """
        import inspect, sys, time, torch
        torch.set_num_threads(1)
        path = sys.argv[1]
        print("weights_only" in inspect.signature(torch.load).parameters, flush=True)
        for line in sys.stdin:
            kw = {"weights_only": True} if line.strip() == "safe" else {}
            s = time.perf_counter(); torch.load(path, map_location="cpu", **kw); t = time.perf_counter() - s
            print(repr(t), flush=True)
        """
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script, path]
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        hasWeightsOnly = try line() == "True"
    }

    private func line() throws -> String {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let text = String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self)
                buffer.removeSubrange(buffer.startIndex...newline)
                return text
            }
            let more = output.fileHandleForReading.availableData
            guard !more.isEmpty else {
                throw FormatError(.io, "the torch.load timer stopped (is python3-torch installed? scripts/setup.sh installs it)")
            }
            buffer.append(more)
        }
    }

    /// Seconds one `torch.load` took.
    func time(weightsOnly: Bool) throws -> Double {
        // A throwing write: a timer that died (closed pipe) is an error here, not a trap in FileHandle.
        do { try input.fileHandleForWriting.write(contentsOf: Data((weightsOnly ? "safe\n" : "load\n").utf8)) } catch {
            throw FormatError(.io, "the torch.load timer stopped (is python3-torch installed? scripts/setup.sh installs it): \(error)")
        }
        let text = try line()
        guard let seconds = Double(text) else { throw FormatError(.io, "the torch.load timer said '\(text)'") }
        return seconds
    }

    func close() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

/// Every 8-byte word of `bytes` XORed together: touches each byte at memory speed, so a borrowed
/// tensor is really read (not just mapped).
private func fold(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
    var acc: UInt64 = 0
    let words = bytes.count / 8
    for i in 0..<words { acc ^= bytes.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self) }
    for i in (words * 8)..<bytes.count { acc ^= UInt64(bytes[i]) }
    return UInt32(truncatingIfNeeded: acc ^ (acc >> 32))
}

/// One row of this benchmark's table: a wide first column, then right-aligned numbers.
private func tableRow(_ cells: [String]) -> String {
    cells.enumerated().map { i, cell in
        let width = i == 0 ? 40 : 14
        let pad = String(repeating: " ", count: max(0, width - cell.count))
        return i == 0 ? cell + pad : pad + cell
    }.joined()
}
