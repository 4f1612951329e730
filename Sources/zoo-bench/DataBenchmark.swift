import Foundation
import ZooData
import ZooModel
import ZooTrain

/// `zoo-bench data [--folder DIR] [--images N] [--quick]`: the streaming input pipeline on a
/// folder of N JPEG photos (default 10,000 in 10 classes, 240-480 × 200-400 pixels, made once
/// and reused), preprocessed with the ImageNet recipe to 224 × 224:
/// - the up-front header check and the content digest (what a feature cache would key on);
/// - decode + preprocess throughput of `BatchPipeline` on every core, next to torchvision's
///   `DataLoader` (ImageFolder, Resize(256), CenterCrop(224), ToTensor, Normalize; as many
///   workers as cores) in the same run, when /usr/bin/python3 has torchvision;
/// - one training epoch of a small CNN on the folder at 224 × 224, and the process's peak RSS
///   against the 2 GB target (the decoded folder would be N × 602 KB).
func runDataBenchmark(arguments: [String]) {
    var folder = ".build/bench-images"
    var count = 10_000
    var i = 0
    while i < arguments.count {
        switch arguments[i] {
        case "--folder" where i + 1 < arguments.count: folder = arguments[i + 1]; i += 1
        case "--images" where i + 1 < arguments.count: count = Int(arguments[i + 1]) ?? count; i += 1
        case "--quick": count = 1000
        default:
            print("usage: zoo-bench data [--folder DIR] [--images N] [--quick]")
            return
        }
        i += 1
    }
    folder += "-\(count)"
    let cores = ProcessInfo.processInfo.activeProcessorCount
    print("cores: \(cores); folder \(folder)")
    do {
        let made = try makeImageFolder(folder, count: count)
        print(made)
        let transform = try ImageTransform(.imageNet)
        var t0 = Date()
        let options = DataLoader.Options(transform: transform)
        let source = try DataLoader.open(folder, options: options)
        let checkSeconds = Date().timeIntervalSince(t0)
        t0 = Date()
        let digest = try source.contentDigest()
        let digestSeconds = Date().timeIntervalSince(t0)
        print(String(format: "scan + header check of %d files: %.2f s; content digest %@…: %.2f s", source.count, checkSeconds,
                     String(digest.prefix(19)), digestSeconds))

        // Decode and preprocess every image once, in batches of 32, as an epoch would.
        let plan = stride(from: 0, to: source.count, by: 32).map { Array($0..<min(source.count, $0 + 32)) }
        t0 = Date()
        let pipeline = BatchPipeline(source: source, batches: plan)
        var seen = 0
        while let batch = try pipeline.next() { seen += batch.count }
        let pipelineSeconds = Date().timeIntervalSince(t0)
        let ours = Double(seen) / pipelineSeconds
        print(String(format: "zoo BatchPipeline, %d workers: %d images in %.1f s, %.0f images/s; peak RSS so far %@",
                     cores, seen, pipelineSeconds, ours, megabytes(peakRSS())))
        if let theirs = torchvisionLoaderRate(folder: folder, workers: cores) {
            print(String(format: "torchvision DataLoader, %d workers: %.0f images/s; zoo/torchvision %.2fx", cores, theirs, ours / theirs))
        } else {
            print("torchvision DataLoader: unavailable (needs /usr/bin/python3 with torchvision)")
        }

        // One epoch of training at 224 x 224 straight from the folder.
        let description = Network.sequentialDescription(input: [3, 224, 224], ops: [
            .conv2d(outChannels: 16, kernel: 3, stride: 2, padding: 1), .relu, .maxpool2d(kernel: 2, stride: 2),
            .conv2d(outChannels: 32, kernel: 3, stride: 2, padding: 1), .relu, .globalAvgPool, .dense(outFeatures: 10),
        ])
        var config = TrainingConfiguration()
        config.epochs = 1
        config.batchSize = 32
        config.learningRate = 1e-3
        config.seed = 1
        t0 = Date()
        let result = try Trainer(configuration: config).train(description: description,
                                                              tensors: try Network.initialTensors(for: description, seed: 1), training: source)
        let trainSeconds = Date().timeIntervalSince(t0)
        let peak = peakRSS()
        let decoded = Double(source.count) * Double(transform.sampleCount * 4)
        print(String(format: "training 1 epoch (conv16/s2-pool-conv32/s2-gap-dense10, batch 32) on %d images at 224x224: %.1f s, %.0f images/s, train accuracy %.1f%%",
                     source.count, trainSeconds, Double(source.count) / trainSeconds, 100 * (result.history.last?.trainAccuracy ?? 0)))
        print("peak RSS \(megabytes(peak)) (the decoded folder would take \(megabytes(Int(decoded)))); target under 2 GB: \(peak < 2 << 30 ? "met" : "NOT met")")
    } catch {
        print("data benchmark failed: \(error)")
    }
}

/// Makes `count` JPEG photos in 10 class folders under `folder` (skipped when it is complete).
func makeImageFolder(_ folder: String, count: Int) throws -> String {
    let classes = 10
    let existing = (0..<classes).map { (try? FileManager.default.contentsOfDirectory(atPath: "\(folder)/class\($0)").count) ?? 0 }.reduce(0, +)
    if existing == count { return "reusing \(count) JPEGs in \(folder)" }
    try? FileManager.default.removeItem(atPath: folder)
    for c in 0..<classes { try FileManager.default.createDirectory(atPath: "\(folder)/class\(c)", withIntermediateDirectories: true) }
    let t0 = Date()
    final class Totals: @unchecked Sendable {
        let lock = NSLock()
        var bytes = 0
        var failure: Error?
    }
    let totals = Totals()
    DispatchQueue.concurrentPerform(iterations: count) { n in
        var g = SeededRandom.splitMix(seed: UInt64(n) + 1)
        let w = 240 + g.index(below: 241), h = 200 + g.index(below: 201)
        let c = n % classes
        // Smooth colour fields whose hue depends on the class, plus noise: photo-like to JPEG.
        let fx = Double(1 + g.index(below: 4)) / Double(w), fy = Double(1 + g.index(below: 4)) / Double(h)
        var pixels = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            for x in 0..<w {
                let wave = sin(Double(x) * fx * 6.28 + Double(c)) * cos(Double(y) * fy * 6.28)
                for ch in 0..<3 {
                    let base = 128 + 90 * wave * (ch == c % 3 ? 1 : 0.4) + Double(g.index(below: 24)) - 12
                    pixels[(y * w + x) * 3 + ch] = UInt8(max(0, min(255, base)))
                }
            }
        }
        do {
            let jpeg = try ImageEncoder.jpeg(PixelImage(width: w, height: h, channels: 3, pixels: pixels), quality: 85)
            _ = FileManager.default.createFile(atPath: "\(folder)/class\(c)/\(n).jpg", contents: Data(jpeg))
            totals.lock.lock(); totals.bytes += jpeg.count; totals.lock.unlock()
        } catch {
            totals.lock.lock(); totals.failure = error; totals.lock.unlock()
        }
    }
    if let failure = totals.failure { throw failure }
    let bytes = totals.bytes
    return String(format: "made %d JPEGs (%.0f MB) in %@ in %.1f s", count, Double(bytes) / 1e6, folder, Date().timeIntervalSince(t0))
}

/// The process's peak resident set size in bytes.
func peakRSS() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss * 1024
}

func megabytes(_ bytes: Int) -> String { String(format: "%.0f MB", Double(bytes) / 1e6) }

/// Images/s of torchvision's DataLoader over the folder with the ImageNet evaluation transform.
func torchvisionLoaderRate(folder: String, workers: Int) -> Double? {
    let script = """
    import time, torch
    from torchvision import datasets, transforms as T
    torch.set_num_threads(1)
    tf = T.Compose([T.Resize(256), T.CenterCrop(224), T.ToTensor(), T.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])])
    data = datasets.ImageFolder('\(folder)', transform=tf)
    loader = torch.utils.data.DataLoader(data, batch_size=32, num_workers=\(workers))
    t = time.perf_counter(); n = 0
    for x, y in loader: n += x.shape[0]
    print(n / (time.perf_counter() - t))
    """
    guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else { return nil }
    guard let output = referenceOutput("/usr/bin/python3", ["-c", script]) else { return nil }
    return Double(output.trimmingCharacters(in: .whitespacesAndNewlines))
}
