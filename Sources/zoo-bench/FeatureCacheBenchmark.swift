import Foundation
import ZooData
import ZooModel
import ZooRegistry
import ZooTrain

/// `zoo-bench features [--zoo DIR] [--model REF] [--data PATH] ...`: frozen-backbone training
/// with the feature cache, against one forward pass over the same data, in the same run:
///
/// 1. one forward pass of the whole network (evaluation mode) over the data, through the input
///    pipeline: the reference;
/// 2. `--epochs` (30) epochs of training with the backbone frozen and a cold cache (in a fresh
///    temporary store): one prefix forward over the data, streamed to the cache, then the head's
///    epochs on the cached features; the ratio to (1) must be at most 1.2;
/// 3. the same run again (a new cache object over the same store, so nothing is in memory): it
///    must run no backbone forward at all (the trainer's counter of frozen-prefix forward samples);
/// 4. `--uncached-epochs` epochs without the cache and with the warm cache: the weights must be
///    the same bit for bit; the uncached time per epoch shows what 30 epochs would cost without it.
///
/// Wall and CPU seconds (this process's user + system time) are both shown: the machine may be
/// shared. Build in release: `swift run -c release zoo-bench features`.
func runFeatureCacheBenchmark(arguments: [String]) {
    var zooPath = "zoo", modelRef = "digits-cnn:pretrained", dataPath = "zoo/datasets/digits-source.csv.gz"
    var labelsPath: String?
    var epochs = 30, uncachedEpochs = 2, batch = 32, limit: Int?, imageSize: Int?, lr = 1e-3
    var freeze = "backbone", newHead = false
    let usage = """
    usage: zoo-bench features [--zoo DIR] [--model REF] [--data PATH] [--labels PATH] [--epochs N] [--uncached-epochs K]
                              [--batch N] [--lr X] [--limit N] [--image-size N] [--freeze backbone|K] [--new-head]
      defaults: --zoo zoo --model digits-cnn:pretrained --data zoo/datasets/digits-source.csv.gz --epochs 30 --uncached-epochs 2
      --new-head replaces the last dense layer by a fresh one for the data's classes (freezing everything before it)
    """
    var i = 0
    func value() -> String? {
        guard i + 1 < arguments.count else { return nil }
        i += 1
        return arguments[i]
    }
    while i < arguments.count {
        let flag = arguments[i]
        var ok = true
        switch flag {
        case "--zoo": if let v = value() { zooPath = v } else { ok = false }
        case "--model": if let v = value() { modelRef = v } else { ok = false }
        case "--data": if let v = value() { dataPath = v } else { ok = false }
        case "--labels": if let v = value() { labelsPath = v } else { ok = false }
        case "--epochs": if let v = value().flatMap(Int.init), v >= 1 { epochs = v } else { ok = false }
        case "--uncached-epochs": if let v = value().flatMap(Int.init), v >= 0 { uncachedEpochs = v } else { ok = false }
        case "--batch": if let v = value().flatMap(Int.init), v >= 1 { batch = v } else { ok = false }
        case "--lr": if let v = value().flatMap(Double.init), v > 0 { lr = v } else { ok = false }
        case "--limit": if let v = value().flatMap(Int.init), v >= 1 { limit = v } else { ok = false }
        case "--image-size": if let v = value().flatMap(Int.init), v >= 1 { imageSize = v } else { ok = false }
        case "--freeze": if let v = value() { freeze = v } else { ok = false }
        case "--new-head": newHead = true
        default: ok = false
        }
        guard ok else {
            print(usage)
            return
        }
        i += 1
    }
    do {
        try featureCacheBenchmark(zooPath: zooPath, modelRef: modelRef, dataPath: dataPath, labelsPath: labelsPath, epochs: epochs,
                                  uncachedEpochs: uncachedEpochs, batch: batch, lr: lr, limit: limit, imageSize: imageSize,
                                  freeze: freeze, newHead: newHead)
    } catch {
        print("feature cache benchmark failed: \(error)")
    }
}

/// Wall and CPU seconds of `body`.
private func measured<T>(_ body: () throws -> T) rethrows -> (T, wall: Double, cpu: Double) {
    func cpu() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
    }
    let c0 = cpu(), t0 = DispatchTime.now().uptimeNanoseconds
    let result = try body()
    return (result, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9, cpu() - c0)
}

private func featureCacheBenchmark(zooPath: String, modelRef: String, dataPath: String, labelsPath: String?, epochs: Int,
                                   uncachedEpochs: Int, batch: Int, lr: Double, limit: Int?, imageSize: Int?,
                                   freeze: String, newHead: Bool) throws {
    let store = try Store.open(zooPath)
    let (version, manifest, config) = try store.load(try ModelReference(parsing: modelRef))
    var description = config.surgeryDescription
    if let imageSize { description = try description.withImageSize(imageSize) }
    var tensors = try store.floatTensors(manifest: manifest, config: config)

    // The data, preprocessed as the model card says, normalised as the model's metadata says.
    let input = try Network.shapes(for: description)[0]
    var transform: ImageTransform?
    if let recipe = description.metadata.preprocessing { transform = try ImageTransform(recipe) } else { transform = ImageTransform.plain(for: input) }
    var source = try DataLoader.open(dataPath, options: DataLoader.Options(labels: labelsPath, transform: transform))
    if let limit, limit < source.count { source = source.subset(Array(0..<limit)) }
    let data = try source.normalized(for: description)

    var frozen: Int
    if newHead {
        let prepared = try PreparedModel.replacingHead(of: description, tensors: tensors, classes: max(data.classCount, 1), seed: 1)
        description = prepared.description
        tensors = prepared.tensors
        frozen = prepared.backboneLayers
    } else {
        // The configuration's type names the freeze spec wherever it lives (ZooTrain, or ZooModel with the block work).
        var spec = TrainingConfiguration()
        spec.freeze = try .init(parsing: freeze)
        frozen = try spec.freeze.frozenLayerCount(for: description)
    }
    func network() throws -> Network { try Network(description: description, tensors: tensors, frozenLayers: frozen, seed: 1) }
    let probe = try network()
    print("model \(version.reference) (\(probe.layers.count) layers, \(frozen) frozen, input \(probe.inputShape)); "
          + "data \(dataPath): \(data.count) samples\(limit.map { " (first \($0))" } ?? ""); batch \(batch); "
          + "cached prefix: \(probe.featurePrefixLength) layers -> \(probe.shapes[probe.featurePrefixLength]) per sample")
    print("threads \(Gemm.threadCount); the machine may be shared: ratios are within this run, CPU time is this process's")

    // 1. One forward pass over the data (the whole network, evaluation mode), through the pipeline.
    let plan = stride(from: 0, to: data.count, by: batch).map { Array($0..<min(data.count, $0 + batch)) }
    let (_, forwardWall, forwardCPU) = try measured { () throws -> Int in
        let pipeline = BatchPipeline(source: data, batches: plan)
        var n = 0
        while let b = try pipeline.next() {
            n += probe.forward(Tensor(shape: [b.count] + probe.inputShape, data: b.inputs), training: false).shape[0]
        }
        return n
    }
    print(String(format: "one forward pass over the data:          %8.2f s wall  %8.2f s CPU", forwardWall, forwardCPU))

    var training = TrainingConfiguration()
    training.epochs = epochs
    training.batchSize = batch
    training.learningRate = lr
    training.seed = 3
    let scratch = NSTemporaryDirectory() + "zoo-bench-features-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    let cacheStore = try Store.create(at: scratch)
    func train(epochs: Int, cached: Bool) throws -> (TrainingResult, Double, Double) {
        var c = training
        c.epochs = epochs
        var trainer = Trainer(configuration: c)
        if cached { trainer.featureCache = FeatureCaching(store: FeatureCache(store: cacheStore)) }
        let net = try network()
        return try measured { try trainer.train(network: net, training: data) }
    }

    // 2. and 3. Cold cache, then the same run again.
    let (cold, coldWall, coldCPU) = try train(epochs: epochs, cached: true)
    let (warm, warmWall, warmCPU) = try train(epochs: epochs, cached: true)
    let coldRatio = coldWall / forwardWall, warmRatio = warmWall / forwardWall
    print(String(format: "%3d epochs, cold cache (makes it):        %8.2f s wall  %8.2f s CPU  = %.3fx the forward pass (CPU %.3fx); %d backbone forward samples",
                 epochs, coldWall, coldCPU, coldRatio, coldCPU / forwardCPU, cold.backboneForwardSamples))
    print(String(format: "%3d epochs, warm cache (second run):      %8.2f s wall  %8.2f s CPU  = %.3fx the forward pass (CPU %.3fx); %d backbone forward samples",
                 epochs, warmWall, warmCPU, warmRatio, warmCPU / forwardCPU, warm.backboneForwardSamples))
    for e in cold.featureCache + warm.featureCache {
        print("  \(e.status.rawValue) \(e.role): \(e.rows) x \(e.featureShape), \(e.bytes) bytes\(e.stored ? ", stored" : "")\(e.note.map { "; " + $0 } ?? "")")
    }
    let sameWeights = cold.tensors.mapValues { $0.map(\.bitPattern) } == warm.tensors.mapValues { $0.map(\.bitPattern) }
    print("cold and warm runs give the same weights: \(sameWeights ? "yes" : "NO")")

    // 4. Without the cache, against the warm cache, for a few epochs.
    if uncachedEpochs > 0 {
        let (plain, plainWall, plainCPU) = try train(epochs: uncachedEpochs, cached: false)
        let (short, _, _) = try train(epochs: uncachedEpochs, cached: true)
        let same = plain.tensors.mapValues { $0.map(\.bitPattern) } == short.tensors.mapValues { $0.map(\.bitPattern) }
        print(String(format: "%3d epochs without the cache:             %8.2f s wall  %8.2f s CPU  (%.2f s an epoch: %d epochs would take about %.0f s, %.1fx the forward pass); %d backbone forward samples",
                     uncachedEpochs, plainWall, plainCPU, plainWall / Double(uncachedEpochs), epochs,
                     plainWall / Double(uncachedEpochs) * Double(epochs), plainWall / Double(uncachedEpochs) * Double(epochs) / forwardWall,
                     plain.backboneForwardSamples))
        print("\(uncachedEpochs) epochs with and without the cache give the same weights bit for bit: \(same ? "yes" : "NO")")
    }
    print(String(format: "target: %d cached epochs at most 1.2x one forward pass: %@ (%.3fx); second run with no backbone forward: %@",
                 epochs, coldRatio <= 1.2 ? "met" : "NOT met", coldRatio, warm.backboneForwardSamples == 0 ? "met" : "NOT met"))
    print("peak RSS \(megabytes(peakRSS()))")
}
