import Foundation

/// ZipNN (PyPI `zipnn`, C with huff0 inside) timed from a Python helper process that
/// `zoo-bench format` drives round by round, so each of its measurements sits right beside ours
/// on the same machine in the same run. The helper builds the same bytes from the same file
/// (float32 tensors concatenated in file order; bfloat16 by the same rounding) and reports their
/// SHA-256, which the benchmark checks against its own before trusting any figure.
final class ZipNNReference {
    /// ZipNN's version, as the package reports it.
    let version: String
    private let process: Process
    private let input: FileHandle
    private let output: FileHandle
    private var pending = Data()

    /// One round: wall-clock and CPU seconds (all threads) to compress and to decompress, and the
    /// compressed size.
    struct Round {
        var encodeSeconds: Double
        var decodeSeconds: Double
        var encodeCPUSeconds: Double
        var decodeCPUSeconds: Double
        var storedBytes: Int
    }

    /// Starts the helper on `model`'s float32 tensors, or returns nil (with the reason on stderr)
    /// when `python3` or its `zipnn` package is missing.
    init?(model: String) {
        let script = NSTemporaryDirectory() + "zoo-bench-zipnn-\(getpid()).py"
        do { try Self.script.write(toFile: script, atomically: true, encoding: .utf8) } catch { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-W", "ignore", script, model]
        let toChild = Pipe(), fromChild = Pipe()
        process.standardInput = toChild
        process.standardOutput = fromChild
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return nil }
        var pending = Data()
        let hello = Self.readLine(fromChild.fileHandleForReading, &pending)
        try? FileManager.default.removeItem(atPath: script)
        guard let version = Self.jsonLine(hello)?["zipnn"] as? String else {
            FileHandle.standardError.write(Data("note: ZipNN not measured (bash scripts/setup.sh --bench installs it)\n".utf8))
            process.terminate()
            return nil
        }
        self.process = process
        self.version = version
        self.pending = pending
        input = toChild.fileHandleForWriting
        output = fromChild.fileHandleForReading
    }

    deinit {
        try? input.close()
        process.waitUntilExit()
    }

    /// Prepares `variant` ("fp32" or "bf16") and returns the SHA-256 of the bytes ZipNN will see.
    func prepare(_ variant: String) -> String? {
        send("prepare \(variant)")
        return Self.jsonLine(readLine())?["sha256"] as? String
    }

    /// Compresses and decompresses the prepared bytes once (checking the round trip).
    func round() -> Round? {
        send("round")
        guard let reply = Self.jsonLine(readLine()), let e = reply["encode_s"] as? Double,
              let d = reply["decode_s"] as? Double, let ec = reply["encode_cpu_s"] as? Double,
              let dc = reply["decode_cpu_s"] as? Double, let n = reply["stored"] as? Int else { return nil }
        return Round(encodeSeconds: e, decodeSeconds: d, encodeCPUSeconds: ec, decodeCPUSeconds: dc, storedBytes: n)
    }

    private func send(_ line: String) {
        try? input.write(contentsOf: Data((line + "\n").utf8))
    }

    private func readLine() -> String? { Self.readLine(output, &pending) }

    private static func readLine(_ output: FileHandle, _ pending: inout Data) -> String? {
        while true {
            if let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                pending.removeSubrange(pending.startIndex...newline)
                return line
            }
            let more = output.availableData
            guard !more.isEmpty else { return nil }
            pending.append(more)
        }
    }

    private static func jsonLine(_ line: String?) -> [String: Any]? {
        guard let line, let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) else { return nil }
        return object as? [String: Any]
    }

    /// The helper. ZipNN's `compress` rewrites its input buffer in place (the bit reorder), so each
    /// round compresses a fresh copy, made outside the timed region.
    static let script = #"""
    import hashlib, json, sys, time
    def say(obj):
        print(json.dumps(obj), flush=True)
    try:
        import numpy as np
        from safetensors.numpy import load_file
        import zipnn
        from importlib.metadata import version
    except Exception as e:
        say({"error": str(e)}); sys.exit(0)
    tensors = load_file(sys.argv[1])
    fp32 = b"".join(v.astype("<f4").tobytes() for v in tensors.values() if v.dtype == np.float32)
    say({"zipnn": version("zipnn")})
    data, codec = None, None
    for line in sys.stdin:
        cmd = line.split()
        if cmd[0] == "prepare":
            if cmd[1] == "fp32":
                data, dtype = fp32, "float32"
            else:
                u = np.frombuffer(fp32, dtype="<u4")
                nan = ((u & 0x7F800000) == 0x7F800000) & ((u & 0x007FFFFF) != 0)
                r = np.where(nan, (u >> 16) | 0x40, (u + 0x7FFF + ((u >> 16) & 1)) >> 16)
                data, dtype = r.astype("<u2").tobytes(), "bfloat16"
            codec = zipnn.ZipNN(input_format="byte", bytearray_dtype=dtype)
            say({"sha256": hashlib.sha256(data).hexdigest()})
        elif cmd[0] == "round":
            buf = bytearray(data)
            c0, t0 = time.process_time(), time.perf_counter()
            c = codec.compress(buf)
            c1, t1 = time.process_time(), time.perf_counter()
            d = codec.decompress(c)
            c2, t2 = time.process_time(), time.perf_counter()
            if bytes(d) != data:
                say({"error": "round trip failed"}); continue
            say({"encode_s": t1 - t0, "decode_s": t2 - t1, "encode_cpu_s": c1 - c0, "decode_cpu_s": c2 - c1,
                 "stored": len(c)})
    """#
}
