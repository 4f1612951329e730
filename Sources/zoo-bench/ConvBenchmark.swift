import Foundation
import ZooModel
import ZooTrain

/// One convolution shape of a real network, with how often the network runs it.
struct BenchConv {
    var name: String
    var count: Int
    var n, c, h, w, out, kh, kw: Int
    var stride = 1, pad = 1, groups = 1

    var outH: Int { (h + 2 * pad - kh) / stride + 1 }
    var outW: Int { (w + 2 * pad - kw) / stride + 1 }
    /// Multiply-adds of one forward.
    var macs: Double { Double(n * out * outH * outW) * Double((c / groups) * kh * kw) }
    var label: String {
        let kind = groups == c && groups == out && groups > 1 ? "dw" : "\(c)->\(out)"
        return "\(name) \(kind) \(kh)x\(kw)/\(stride) @\(h)"
    }
    var json: String {
        "{\"n\":\(n),\"c\":\(c),\"h\":\(h),\"w\":\(w),\"out\":\(out),\"kh\":\(kh),\"kw\":\(kw),\"sh\":\(stride),\"sw\":\(stride),"
            + "\"pt\":\(pad),\"pl\":\(pad),\"pb\":\(pad),\"pr\":\(pad),\"dh\":1,\"dw\":1,\"groups\":\(groups),\"reps\":\(reps)}"
    }
    /// Repeats per measurement: about 2·10¹⁰ multiply-adds' worth, 2 to 20.
    var reps: Int { max(2, min(20, Int(2e10 / max(1, macs * 2)))) }
}

/// The distinct convolutions of torchvision's ResNet-18 for a square input.
func resnet18Convs(size: Int, batch n: Int) -> [BenchConv] {
    var convs = [BenchConv(name: "conv1", count: 1, n: n, c: 3, h: size, w: size, out: 64, kh: 7, kw: 7, stride: 2, pad: 3)]
    var s = ((size + 6 - 7) / 2 + 1 + 2 - 3) / 2 + 1   // after conv1 and the 3x3/2 max pool
    convs.append(BenchConv(name: "layer1", count: 4, n: n, c: 64, h: s, w: s, out: 64, kh: 3, kw: 3))
    var c = 64
    for (i, out) in [128, 256, 512].enumerated() {
        let name = "layer\(i + 2)"
        convs.append(BenchConv(name: name + ".0.conv1", count: 1, n: n, c: c, h: s, w: s, out: out, kh: 3, kw: 3, stride: 2))
        convs.append(BenchConv(name: name + ".0.down", count: 1, n: n, c: c, h: s, w: s, out: out, kh: 1, kw: 1, stride: 2, pad: 0))
        s = (s - 1) / 2 + 1
        convs.append(BenchConv(name: name, count: 3, n: n, c: out, h: s, w: s, out: out, kh: 3, kw: 3))
        c = out
    }
    return convs
}

/// The distinct convolutions of torchvision's MobileNetV2 for a square input.
func mobilenetV2Convs(size: Int, batch n: Int) -> [BenchConv] {
    var convs: [BenchConv] = []
    func add(_ conv: BenchConv) {
        if let i = convs.firstIndex(where: { $0.c == conv.c && $0.h == conv.h && $0.out == conv.out && $0.kh == conv.kh
            && $0.stride == conv.stride && $0.groups == conv.groups }) {
            convs[i].count += 1
        } else {
            convs.append(conv)
        }
    }
    var s = (size - 1) / 2 + 1
    add(BenchConv(name: "features.0", count: 1, n: n, c: 3, h: size, w: size, out: 32, kh: 3, kw: 3, stride: 2))
    add(BenchConv(name: "features.1", count: 1, n: n, c: 32, h: s, w: s, out: 32, kh: 3, kw: 3, groups: 32))
    add(BenchConv(name: "features.1", count: 1, n: n, c: 32, h: s, w: s, out: 16, kh: 1, kw: 1, pad: 0))
    var c = 16, index = 2
    for (t, out, repeats, stride) in [(6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)] {
        for r in 0..<repeats {
            let st = r == 0 ? stride : 1
            let hidden = c * t
            let name = "features.\(index)"
            add(BenchConv(name: name, count: 1, n: n, c: c, h: s, w: s, out: hidden, kh: 1, kw: 1, pad: 0))
            add(BenchConv(name: name, count: 1, n: n, c: hidden, h: s, w: s, out: hidden, kh: 3, kw: 3, stride: st, groups: hidden))
            s = (s - 1) / st + 1
            add(BenchConv(name: name, count: 1, n: n, c: hidden, h: s, w: s, out: out, kh: 1, kw: 1, pad: 0))
            c = out
            index += 1
        }
    }
    add(BenchConv(name: "features.18", count: 1, n: n, c: 320, h: s, w: s, out: 1280, kh: 1, kw: 1, pad: 0))
    return convs
}

/// Process CPU seconds of the fastest of `repeats` runs: on a shared machine, a measure of the
/// kernels' own work that other processes' load disturbs far less than wall time.
func bestCPUTime(_ repeats: Int, _ body: () -> Void) -> Double {
    func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
    var best = Double.infinity
    for _ in 0..<repeats {
        let start = now()
        body()
        best = min(best, now() - start)
    }
    return best
}

/// Seconds of zoo's forward, input gradient and weight gradient for one shape (best of its repeats).
func zooConvSeconds(_ conv: BenchConv, cpuTime: Bool = false) -> (forward: Double, data: Double, weight: Double) {
    func measure(_ repeats: Int, _ body: () -> Void) -> Double {
        cpuTime ? bestCPUTime(repeats, body) : bestTime(repeats, body)
    }
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    // Uniform in [-1, 1) from a 64-bit LCG: the values do not matter for speed, only that they are not zero.
    func random(_ count: Int) -> [Float] {
        (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int32(truncatingIfNeeded: state >> 32)) / 2_147_483_648
        }
    }
    let weight = Parameter(name: "w", value: Tensor(shape: [conv.out, conv.c / conv.groups, conv.kh, conv.kw],
                                                    data: random(conv.out * (conv.c / conv.groups) * conv.kh * conv.kw)))
    let layer = Conv2dLayer(weight: weight, bias: nil, stride: Size2d(conv.stride), padding: Padding2d(conv.pad), groups: conv.groups)
    let x = Tensor(shape: [conv.n, conv.c, conv.h, conv.w], data: random(conv.n * conv.c * conv.h * conv.w))
    var y = layer.forward(x, training: true)
    let gy = Tensor(shape: y.shape, data: random(y.count))
    let forward = measure(conv.reps) { y = layer.forward(x, training: true) }
    _ = layer.backward(gy, inputGradient: true, parameterGradients: false)
    let data = measure(conv.reps) { _ = layer.backward(gy, inputGradient: true, parameterGradients: false) }
    _ = layer.backward(gy, inputGradient: false, parameterGradients: true)
    let weightTime = measure(conv.reps) { _ = layer.backward(gy, inputGradient: false, parameterGradients: true) }
    return (forward, data, weightTime)
}

/// Where the repository's scripts are: beside this source file's package, else the working directory.
func scriptPath(_ name: String) -> String {
    let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let candidate = here.appendingPathComponent("scripts/\(name)").path
    return FileManager.default.fileExists(atPath: candidate) ? candidate : "scripts/\(name)"
}

/// Runs `/usr/bin/python3 SCRIPT ARGS` with `input` on stdin and returns its stdout lines (empty when
/// the reference cannot run; the caller says so).
func runReference(_ script: String, arguments: [String], input: String, threads: Int) -> [String] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    process.arguments = [scriptPath(script)] + arguments
    var env = ProcessInfo.processInfo.environment
    env["OMP_NUM_THREADS"] = String(threads)
    env["MKL_NUM_THREADS"] = String(threads)
    process.environment = env
    let stdin = Pipe(), stdout = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = FileHandle.standardError
    do { try process.run() } catch { return [] }
    stdin.fileHandleForWriting.write(Data(input.utf8))
    try? stdin.fileHandleForWriting.close()
    let output = stdout.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return [] }
    return String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
}

/// PyTorch's seconds per shape (same order), from `scripts/torch_conv_bench.py`.
func torchConvSeconds(_ convs: [BenchConv], threads: Int) -> [(forward: Double, data: Double, weight: Double)]? {
    let lines = runReference("torch_conv_bench.py", arguments: [String(threads)],
                             input: "[" + convs.map(\.json).joined(separator: ",") + "]", threads: threads)
    var result: [(Double, Double, Double)] = []
    for line in lines {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let f = object["forward"] as? Double, let d = object["data"] as? Double, let w = object["weight"] as? Double else { continue }
        result.append((f, d, w))
    }
    return result.count == convs.count ? result : nil
}

/// `zoo-bench conv [--net resnet18|mobilenetv2|all] [--size 224|96|all] [--batch 32] [--rounds N]`:
/// per-layer seconds of forward, input gradient and weight gradient for the convolutions of
/// ResNet-18 and MobileNetV2, zoo and PyTorch (`/usr/bin/python3`, same thread count) in the same
/// run; times are each side's best over the rounds, and the totals' ratio range over the rounds.
func runConvBenchmark(arguments: [String]) {
    var nets = ["resnet18", "mobilenetv2"], sizes = [224, 96], batch = 32, rounds = 2, cpuOnly = false
    var only: String?
    var i = 0
    while i < arguments.count {
        let value = i + 1 < arguments.count ? arguments[i + 1] : ""
        switch arguments[i] {
        case "--net": nets = value == "all" ? nets : [value]; i += 1
        case "--size": sizes = value == "all" ? sizes : [Int(value) ?? 224]; i += 1
        case "--batch": batch = max(1, Int(value) ?? batch); i += 1
        case "--rounds": rounds = max(1, Int(value) ?? rounds); i += 1
        case "--cpu-time": cpuOnly = true
        case "--only": only = value; i += 1
        default:
            print("usage: zoo-bench conv [--net resnet18|mobilenetv2|all] [--size 224|96|all] [--batch 32] [--rounds N] [--cpu-time [--only LABEL]]")
            return
        }
        i += 1
    }
    let threads = Gemm.threadCount
    if cpuOnly {
        // Tuning aid: zoo alone, GFLOP/s per CPU second (threads included), no reference.
        for net in nets {
            for size in sizes {
                let convs = (net == "resnet18" ? resnet18Convs(size: size, batch: batch) : mobilenetV2Convs(size: size, batch: batch))
                    .filter { only == nil || $0.label.contains(only!) }
                print("\n\(net) \(size)x\(size): GFLOP per CPU second, forward / data / weight (zoo only, \(threads) threads)")
                for conv in convs {
                    let z = zooConvSeconds(conv, cpuTime: true)
                    let gflop = 2 * conv.macs / 1e9
                    print("  " + conv.label.padding(toLength: 34, withPad: " ", startingAt: 0)
                          + String(format: " %7.1f %7.1f %7.1f", gflop / z.forward, gflop / z.data, gflop / z.weight))
                }
            }
        }
        return
    }
    print("conv2d per layer, batch \(batch), \(threads) thread(s) on both sides (torch.set_num_threads), kernel \(GemmKernel.selected.rawValue)")
    print("ms per call, best over \(rounds) round(s); 'x' = torch time / zoo time (above 1: zoo is faster)")
    for net in nets {
        for size in sizes {
            let convs = net == "resnet18" ? resnet18Convs(size: size, batch: batch) : mobilenetV2Convs(size: size, batch: batch)
            var zoo = [(forward: Double, data: Double, weight: Double)](repeating: (.infinity, .infinity, .infinity), count: convs.count)
            var torch = zoo
            var totals: [[Double]] = []   // per round: zoo f/d/w, torch f/d/w
            var haveTorch = true
            for _ in 0..<rounds {
                let reference = torchConvSeconds(convs, threads: threads)
                if reference == nil { haveTorch = false }
                var round = [Double](repeating: 0, count: 6)
                for (k, conv) in convs.enumerated() {
                    let z = zooConvSeconds(conv)
                    zoo[k] = (min(zoo[k].forward, z.forward), min(zoo[k].data, z.data), min(zoo[k].weight, z.weight))
                    let count = Double(conv.count)
                    round[0] += count * z.forward; round[1] += count * z.data; round[2] += count * z.weight
                    if let t = reference?[k] {
                        torch[k] = (min(torch[k].forward, t.forward), min(torch[k].data, t.data), min(torch[k].weight, t.weight))
                        round[3] += count * t.forward; round[4] += count * t.data; round[5] += count * t.weight
                    }
                }
                totals.append(round)
            }
            print("\n\(net) \(size)x\(size)" + (haveTorch ? "" : "  (PyTorch unavailable at /usr/bin/python3: zoo only)"))
            print("  layer                               n |  forward zoo  torch     x |  data zoo  torch     x | weight zoo  torch     x")
            func cell(_ z: Double, _ t: Double) -> String {
                haveTorch ? String(format: "%8.1f %6.1f %5.2f", z * 1e3, t * 1e3, t / z) : String(format: "%8.1f      -     -", z * 1e3)
            }
            for (k, conv) in convs.enumerated() {
                print("  " + conv.label.padding(toLength: 34, withPad: " ", startingAt: 0) + String(format: " %2d |", conv.count)
                      + "  " + cell(zoo[k].forward, torch[k].forward) + " |" + cell(zoo[k].data, torch[k].data)
                      + " |  " + cell(zoo[k].weight, torch[k].weight))
            }
            let sumZoo = (0..<3).map { j in convs.indices.reduce(0.0) { $0 + Double(convs[$1].count) * [zoo[$1].forward, zoo[$1].data, zoo[$1].weight][j] } }
            let sumTorch = (0..<3).map { j in convs.indices.reduce(0.0) { $0 + Double(convs[$1].count) * [torch[$1].forward, torch[$1].data, torch[$1].weight][j] } }
            print("  " + "total (count-weighted)".padding(toLength: 37, withPad: " ", startingAt: 0) + " |  "
                  + cell(sumZoo[0], sumTorch[0]) + " |" + cell(sumZoo[1], sumTorch[1]) + " |  " + cell(sumZoo[2], sumTorch[2]))
            if haveTorch {
                let ranges = (0..<3).map { j -> String in
                    let r = totals.map { $0[j + 3] / $0[j] }
                    return String(format: "%.2f-%.2fx", r.min() ?? 0, r.max() ?? 0)
                }
                print("  torch/zoo per round: forward \(ranges[0]), data \(ranges[1]), weight \(ranges[2])")
            }
        }
    }
}
