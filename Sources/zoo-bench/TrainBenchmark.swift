import Foundation
import ZooModel
import ZooTrain

/// `zoo-bench train [--data FILE] [--quick]`: SGEMM GFLOP/s next to numpy's matmul (same thread
/// count, same run), then training on the digits (held-out stratified 20%, fixed seeds): validation
/// accuracy and throughput of an MLP and a small CNN, with the whole network training and with a
/// frozen backbone. Build in release: `swift run -c release zoo-bench train`.
func runTrainBenchmark(arguments: [String]) {
    var dataPath = "zoo/datasets/digits.csv.gz"
    var quick = false
    var i = 0
    while i < arguments.count {
        switch arguments[i] {
        case "train": break
        case "--data" where i + 1 < arguments.count: dataPath = arguments[i + 1]; i += 1
        case "--quick": quick = true
        default:
            print("usage: zoo-bench train [--data digits.csv.gz] [--quick]")
            return
        }
        i += 1
    }
    let threads = Gemm.threadCount
    print("threads: \(threads) (ZOO_THREADS overrides; numpy runs with OPENBLAS_NUM_THREADS=\(threads))")
    print("SGEMM, square row-major float32, best of several runs, GFLOP/s")
    print("   size      zoo    numpy   zoo/numpy")
    let sizes = [256, 512, 1024]
    let numpy = numpyMatmulGflops(sizes: sizes, threads: threads)
    for size in sizes {
        let ours = sgemmGflops(size: size)
        if let theirs = numpy[size] {
            print(String(format: "  %5d  %7.1f  %7.1f   %6.2fx", size, ours, theirs, ours / theirs))
        } else {
            print(String(format: "  %5d  %7.1f      n/a   (numpy unavailable)", size, ours))
        }
    }

    let digits: Dataset
    do {
        digits = try Dataset.load(csvAt: dataPath)
    } catch {
        print("cannot load digits: \(error.message)")
        return
    }
    let (train, val) = digits.split(validationFraction: 0.2, seed: 2026)
    print("\ndigits: \(train.count) training, \(val.count) held-out validation examples (stratified, seed 2026)")
    let mlp = Network.sequentialDescription(input: [64], ops: [.dense(outFeatures: 128), .relu, .dense(outFeatures: 10)])
    let cnn = Network.sequentialDescription(input: [1, 8, 8], ops: [
        .conv2d(outChannels: 16, kernel: 3, stride: 1, padding: 1), .relu, .maxpool2d(kernel: 2, stride: 2),
        .conv2d(outChannels: 32, kernel: 3, stride: 1, padding: 1), .relu, .flatten, .dense(outFeatures: 10),
    ])
    var mlpConfig = TrainingConfiguration()
    mlpConfig.epochs = quick ? 5 : 40
    mlpConfig.batchSize = 32
    mlpConfig.learningRate = 1e-3
    mlpConfig.optimizer = .adam()
    mlpConfig.schedule = .cosine()
    mlpConfig.seed = 1
    var cnnConfig = mlpConfig
    cnnConfig.epochs = quick ? 5 : 30
    cnnConfig.learningRate = 2e-3
    for (name, description, config, normalization) in [
        ("MLP 64-128-10", mlp, mlpConfig, NormalizationMethod.standardize),
        ("CNN conv16-pool-conv32-dense10", cnn, cnnConfig, NormalizationMethod.scale(16)),
    ] {
        let norm = train.fitNormalization(normalization)
        guard let trainSet = try? norm.map({ try train.normalized($0) }) ?? train,
              let valSet = try? norm.map({ try val.normalized($0) }) ?? val else { continue }
        for freeze in [FreezeSpec.none, .backbone] {
            var c = config
            c.freeze = freeze
            if freeze == .backbone { c.epochs = min(c.epochs, 5) }
            do {
                let initial = try Network.initialTensors(for: description, seed: 7)
                let result = try Trainer(configuration: c).train(description: description, tensors: initial,
                                                                  training: trainSet, validation: valSet)
                let seconds = result.history.map(\.seconds).reduce(0, +)
                let rate = Double(trainSet.count * result.history.count) / seconds
                let acc = result.history.last?.validationAccuracy ?? 0
                let label = freeze == .none ? "full training  " : "frozen backbone"
                print(String(format: "%@  %@: %3d epochs, %9.0f samples/s, validation accuracy %.2f%%",
                             name, label, result.history.count, rate, acc * 100))
                if freeze == .none {
                    print("    recipe: \(c.optimizer.name) lr \(c.learningRate) cosine, batch \(c.batchSize), \(normalization), init seed 7, shuffle seed \(c.seed)")
                }
            } catch {
                print("\(name): \(error.message)")
            }
        }
    }
}

/// Best-of-several GFLOP/s of `Gemm.multiply` for an n×n×n product.
func sgemmGflops(size n: Int) -> Double {
    var g = SeededRandom.splitMix(seed: 7)
    let a = (0..<(n * n)).map { _ in Float(g.unit() - 0.5) }
    let b = (0..<(n * n)).map { _ in Float(g.unit() - 0.5) }
    var c = [Float](repeating: 0, count: n * n)
    let flops = 2.0 * Double(n) * Double(n) * Double(n)
    let repeats = max(10, Int(4e9 / flops))
    var best = Double.infinity
    a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            c.withUnsafeMutableBufferPointer { pc in
                for _ in 0..<repeats {
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    Gemm.multiply(m: n, n: n, k: n, a: pa.baseAddress!, lda: n, transposeA: false,
                                  b: pb.baseAddress!, ldb: n, transposeB: false, c: pc.baseAddress!, ldc: n, accumulate: false)
                    best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
                }
            }
        }
    }
    return flops / best / 1e9
}

/// numpy's float32 `matmul` GFLOP/s (OpenBLAS), best of several runs, with the same thread count.
/// OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset for this one command: they pin older kernels.
func numpyMatmulGflops(sizes: [Int], threads: Int) -> [Int: Double] {
    let script = """
    import time, numpy as np
    for n in [\(sizes.map(String.init).joined(separator: ","))]:
        a = np.random.rand(n, n).astype(np.float32); b = np.random.rand(n, n).astype(np.float32)
        a @ b
        reps = max(10, int(4e9 / (2 * n ** 3)))
        best = min((lambda t: (a @ b, time.perf_counter() - t)[1])(time.perf_counter()) for _ in range(reps))
        print(n, 2 * n ** 3 / best / 1e9)
    """
    guard let output = referenceOutput("/usr/bin/env", ["python3", "-c", script], environment: [
        "OPENBLAS_NUM_THREADS": String(threads), "OMP_NUM_THREADS": String(threads),
        "OPENBLAS_CORETYPE": nil, "OPENBLAS_L2_SIZE": nil,
    ]) else { return [:] }
    var result: [Int: Double] = [:]
    for line in output.split(separator: "\n") {
        let parts = line.split(separator: " ")
        if parts.count == 2, let n = Int(parts[0]), let g = Double(parts[1]) { result[n] = g }
    }
    return result
}
