import Foundation
import ZooFormat
import ZooModel
import ZooTrain

/// `zoo-bench net [--nets resnet18,mobilenet_v2] [--sizes 224,96] [--batch 32] [--repeats 3]`:
/// whole networks next to PyTorch in the same run. For each network and input size, PyTorch
/// (scripts/torch_network_bench.py, Debian's torch, `torch.set_num_threads` = zoo's threads) and then
/// zoo each run in a process of their own, so each peak RSS is that network's alone: forward in eval
/// mode and one training step (train mode, mean cross-entropy, backward through every layer, SGD with
/// momentum 0.9) in images/s (best of `repeats` after a warm-up), the peak RSS after the eval
/// forwards and after the training steps. Both run the same architecture: zoo recognises it from
/// torchvision's state-dict names and shapes, with random (seeded) weights.
func runNetBenchmark(arguments: [String]) -> Int32 {
    var nets = ["resnet18", "mobilenet_v2"]
    var sizes = [224, 96]
    var batch = 32
    var repeats = 3
    var child: (net: String, size: Int, tensors: String)?
    var i = 0
    let usage = "usage: zoo-bench net [--nets resnet18,mobilenet_v2] [--sizes 224,96] [--batch 32] [--repeats 3]"
    while i < arguments.count {
        let next = i + 1 < arguments.count ? arguments[i + 1] : nil
        switch (arguments[i], next) {
        case ("--nets", let v?): nets = v.split(separator: ",").map(String.init); i += 1
        case ("--sizes", let v?): sizes = v.split(separator: ",").compactMap { Int($0) }.filter { $0 >= 32 }; i += 1
        case ("--batch", let v?): batch = max(1, Int(v) ?? batch); i += 1
        case ("--repeats", let v?): repeats = max(1, Int(v) ?? repeats); i += 1
        // The zoo side of one case, in its own process: --run NET SIZE TENSORS.json
        case ("--run", _) where i + 3 < arguments.count:
            guard let size = Int(arguments[i + 2]) else { print(usage); return 64 }
            child = (arguments[i + 1], size, arguments[i + 3]); i += 3
        default:
            print(usage)
            return 64
        }
        i += 1
    }
    if let child {
        return runNetCase(net: child.net, size: child.size, tensorsPath: child.tensors, batch: batch, repeats: repeats)
    }
    let threads = Gemm.threadCount
    let script = "scripts/torch_network_bench.py"
    guard FileManager.default.fileExists(atPath: script) else {
        FileHandle.standardError.write(Data("zoo-bench net: run it from the repository root (it needs \(script))\n".utf8))
        return 64
    }
    let me = URL(fileURLWithPath: CommandLine.arguments[0]).path
    print("threads: \(threads) on both sides (ZOO_THREADS overrides; PyTorch: torch.set_num_threads(\(threads))), batch \(batch), best of \(repeats), kernel \(GemmKernel.selected.rawValue)")
    print("images/s: zoo, torch, zoo/torch; peak RSS MiB: zoo/torch after the eval forwards, then after the training steps")
    print("network         size |  forward zoo  torch  ratio |    train zoo  torch  ratio | RSS eval  | RSS train")
    let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-bench-net-\(getpid())")
    try? FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: tmp) }
    var failed = false
    for net in nets {
        guard let list = referenceOutput("/usr/bin/python3", [script, "--tensors", net]), !list.isEmpty else {
            print("\(net): PyTorch's state dict unavailable (/usr/bin/python3 with torchvision needed)")
            failed = true
            continue
        }
        let tensors = tmp.appendingPathComponent("\(net).json")
        guard (try? Data(list.utf8).write(to: tensors)) != nil else { failed = true; continue }
        for size in sizes {
            // PyTorch right before zoo: both see the same load.
            let torch = referenceOutput("/usr/bin/python3", [script, "--nets", net, "--sizes", String(size), "--batch", String(batch),
                                                             "--repeats", String(repeats), "--threads", String(threads)],
                                        environment: ["OMP_NUM_THREADS": String(threads)]).flatMap(netResult)
            let zoo = referenceOutput(me, ["net", "--run", net, String(size), tensors.path, "--batch", String(batch),
                                           "--repeats", String(repeats)]).flatMap(netResult)
            guard let zoo else {
                print("\(net) \(size): zoo's run failed")
                failed = true
                continue
            }
            // Without the reference the ratios are not measured: the run fails (after zoo's numbers).
            if torch == nil { failed = true }
            func cell(_ key: String) -> String {
                guard let z = zoo[key] else { return "n/a" }
                guard let t = torch?[key] else { return String(format: "%6.1f     n/a    n/a", z) }
                return String(format: "%6.1f  %6.1f  %5.2fx", z, t, z / t)
            }
            func rss(_ key: String) -> String {
                String(format: "%4.0f/%-4@", zoo[key] ?? .nan, (torch?[key].map { String(format: "%.0f", $0) } ?? "n/a") as NSString)
            }
            let label = net.padding(toLength: max(14, net.count), withPad: " ", startingAt: 0)
            print(String(format: "%@ %5d |  %@ |  %@ | %@ | %@", label, size, cell("forward_ips"), cell("train_ips"),
                         rss("forward_rss_mb"), rss("max_rss_mb")))
            // Images per CPU second (all threads; OpenMP's spinning waits count): less disturbed
            // than wall time by other processes on a shared machine.
            func perCPU(_ key: String) -> String {
                guard let z = zoo["\(key)_cpu_s"], z > 0 else { return "n/a" }
                guard let t = torch?["\(key)_cpu_s"], t > 0 else { return String(format: "%6.1f     n/a    n/a", Double(batch) / z) }
                return String(format: "%6.1f  %6.1f  %5.2fx", Double(batch) / z, Double(batch) / t, t / z)
            }
            print("  per CPU second     |  \(perCPU("forward")) |  \(perCPU("train")) |")
            if let w = zoo["weights_rss_mb"], let a = zoo["activation_mb"] {
                print(String(format: "  zoo: %.0f MiB resident once built, largest activation %.0f MiB", w, a))
            }
        }
    }
    if failed { print("some case did not run on both sides (see above): not measured") }
    return failed ? 1 : 0
}

/// The numbers of a JSON line `{"key": number, ...}` (the last such line of `output`).
private func netResult(_ output: String) -> [String: Double]? {
    for line in output.split(separator: "\n").reversed() {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
        return object.compactMapValues { ($0 as? NSNumber)?.doubleValue }
    }
    return nil
}

/// zoo's side of one case; prints one JSON line with the keys torch_network_bench.py prints.
private func runNetCase(net: String, size: Int, tensorsPath: String, batch: Int, repeats: Int) -> Int32 {
    func fail(_ message: String) -> Int32 {
        FileHandle.standardError.write(Data("zoo-bench net \(net) \(size): \(message)\n".utf8))
        return 1
    }
    guard let data = FileManager.default.contents(atPath: tensorsPath),
          let list = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else { return fail("cannot read \(tensorsPath)") }
    let infos = list.compactMap { entry -> TensorInfo? in
        guard let name = entry["name"] as? String, let shape = entry["shape"] as? [Int] else { return nil }
        return TensorInfo(name: name, dtype: name.hasSuffix("num_batches_tracked") ? .i64 : .f32, shape: shape)
    }
    guard case .recognised(_, var description) = ArchitectureRecognition.recognise(infos) else {
        return fail("zoo does not recognise the architecture from its state dict")
    }
    description.input = [3, size, size]
    let network: Network
    do {
        description = try description.withInferredShapes()
        let tensors = try Network.initialTensors(for: description, scheme: .torchvision, seed: 1)
        network = try Network(description: description, tensors: tensors)
    } catch {
        return fail("\(error)")
    }
    let weightsRSS = residentMegabytes()
    var g = SeededRandom.splitMix(seed: 5)
    let x = Tensor(shape: [batch, 3, size, size], data: (0..<(batch * 3 * size * size)).map { _ in Float(g.unit() * 2 - 1) })
    let classes = network.outputShape.reduce(1, *)
    let labels = (0..<batch).map { _ in min(classes - 1, Int(g.unit() * Double(classes))) }
    let largest = network.shapes.map { $0.reduce(batch, *) }.max() ?? 0

    /// Wall and process CPU seconds of the fastest run (by wall time), after a warm-up.
    func best(_ body: () -> Void) -> (wall: Double, cpu: Double) {
        body()  // warm-up: scratch buffers, the allocator's pools
        var best = (wall: Double.infinity, cpu: 0.0)
        for _ in 0..<repeats {
            let t0 = DispatchTime.now().uptimeNanoseconds, c0 = cpuSeconds()
            body()
            let wall = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            if wall < best.wall { best = (wall, cpuSeconds() - c0) }
        }
        return best
    }
    let forward = best { _ = network.forward(x, training: false) }
    let forwardRSS = Double(peakRSS()) / 1_048_576
    let optimizer = Optimizer(kind: .sgd(momentum: 0.9))
    let parameters = network.trainableParameters
    let logitLayers = network.logitLayerCount
    let train = best {
        let logits = network.forward(x, training: true, upTo: logitLayers)
        let (_, grad, _) = Loss.softmaxCrossEntropy(logits: logits, labels: labels)
        network.backward(grad, from: logitLayers)
        optimizer.step(parameters, learningRate: 0.01)
    }
    let result: [String: Any] = [
        "net": net, "size": size, "batch": batch, "threads": Gemm.threadCount,
        "forward_ips": Double(batch) / forward.wall, "train_ips": Double(batch) / train.wall,
        "forward_s": forward.wall, "train_s": train.wall, "forward_cpu_s": forward.cpu, "train_cpu_s": train.cpu,
        "forward_rss_mb": forwardRSS, "max_rss_mb": Double(peakRSS()) / 1_048_576,
        "weights_rss_mb": weightsRSS, "activation_mb": Double(largest * 4) / 1_048_576,
    ]
    // JSON has no NaN (statm is Linux's): an unknown number is left out.
    let known = result.filter { ($0.value as? Double).map { $0.isFinite } ?? true }
    guard let json = try? JSONSerialization.data(withJSONObject: known, options: [.sortedKeys]) else { return 1 }
    print(String(decoding: json, as: UTF8.self))
    return 0
}

/// User and system CPU seconds of the whole process so far (all threads).
private func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// The process's resident memory now, in MiB (Linux /proc/self/statm; nan elsewhere).
private func residentMegabytes() -> Double {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return .nan }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Double(fields[1]) else { return .nan }
    return pages * Double(sysconf(Int32(_SC_PAGESIZE))) / 1_048_576
}
