import Foundation
import ZooModel
import ZooTrain

/// `zoo-bench layers [--quick]`: the memory-bound passes of ResNet-18 and MobileNetV2 at 224×224,
/// batch 32 (batchnorm in training mode forward and backward, activations forward and backward,
/// the residual add, the squeeze-and-excitation gate) next to PyTorch's CPU kernels on the same
/// shapes with the same thread count, in the same run. Reports milliseconds (best of several) and
/// zoo's speed as a multiple of PyTorch's (above 1: faster).
func runLayerBenchmark(arguments: [String]) {
    let quick = arguments.contains("--quick")
    let threads = Gemm.threadCount
    print("threads: \(threads) (ZOO_THREADS overrides; PyTorch runs with torch.set_num_threads(\(threads)))")
    // ResNet-18's bn1 input, and MobileNetV2's features.2 expanded map.
    let shapes: [[Int]] = quick ? [[8, 64, 56, 56]] : [[32, 64, 112, 112], [32, 144, 56, 56]]
    let repeats = quick ? 3 : 5
    let reference = pytorchLayerMilliseconds(shapes: shapes, threads: threads, repeats: repeats)
    print("   case                                  zoo ms   torch ms   zoo speed")
    for shape in shapes {
        let text = shape.map(String.init).joined(separator: "x")
        for (name, ms) in zooLayerMilliseconds(shape: shape, repeats: repeats) {
            let key = "\(text) \(name)"
            if let theirs = reference[key] {
                print(String(format: "  %-36@ %8.1f  %8.1f   %6.2fx", key as NSString, ms, theirs, theirs / ms))
            } else {
                print(String(format: "  %-36@ %8.1f       n/a   (PyTorch unavailable)", key as NSString, ms))
            }
        }
    }
}

/// Best-of-`repeats` milliseconds of each pass on a batch of `shape`.
func zooLayerMilliseconds(shape: [Int], repeats: Int) -> [(String, Double)] {
    var g = SeededRandom.splitMix(seed: 3)
    let count = shape.reduce(1, *)
    let x = Tensor(shape: shape, data: (0..<count).map { _ in Float(g.unit() * 4 - 2) })
    let gy = Tensor(shape: shape, data: (0..<count).map { _ in Float(g.unit() - 0.5) })
    let c = shape[1]
    func best(_ body: () -> Void) -> Double {
        var best = Double.infinity
        for _ in 0..<repeats {
            let t0 = DispatchTime.now().uptimeNanoseconds
            body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
        }
        return best
    }
    /// As `best`, on a fresh copy of `tensor` that only the pass holds (as a gradient is in backward).
    func best(owning tensor: Tensor, _ body: (inout Tensor) -> Void) -> Double {
        var best = Double.infinity
        for _ in 0..<repeats {
            var t = tensor
            t.data[0] += 0
            let t0 = DispatchTime.now().uptimeNanoseconds
            body(&t)
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
        }
        return best
    }
    var results: [(String, Double)] = []
    let bn = BatchNormLayer(weight: Parameter(name: "w", value: Tensor(shape: [c], data: [Float](repeating: 1.2, count: c))),
                            bias: Parameter(name: "b", value: Tensor(zeros: [c])),
                            runningMean: ("m", Tensor(zeros: [c])), runningVar: ("v", Tensor(shape: [c], data: [Float](repeating: 1, count: c))),
                            eps: 1e-5, momentum: 0.1)
    results.append(("batchnorm train forward", best { var t = x; bn.forward(updating: &t, training: true) }))
    _ = bn.forward(x, training: true)
    results.append(("batchnorm backward", best(owning: gy) { bn.backward(updating: &$0, inputGradient: true, parameterGradients: true) }))
    results.append(("batchnorm eval forward", best { var t = x; bn.forward(updating: &t, training: false) }))
    for kind in [ActivationLayer.Kind.relu, .relu6, .hardswish] {
        let layer = ActivationLayer(kind)
        // In place, as after a batchnorm whose output nothing else holds (PyTorch's inplace=True).
        results.append(("\(kind) forward", best(owning: x) { layer.forward(updating: &$0, training: true) }))
        results.append(("\(kind) backward", best(owning: gy) { layer.backward(updating: &$0, inputGradient: true, parameterGradients: false) }))
    }
    let add = AddLayer()
    results.append(("add (residual, in place)", best(owning: x) { t in
        var inputs = [t, gy]
        t = Tensor(zeros: [0])
        _ = add.forward(&inputs, training: true)
    }))
    let gate = Tensor(shape: [shape[0], c, 1, 1], data: (0..<(shape[0] * c)).map { _ in Float(g.unit()) })
    let mul = MulLayer()
    results.append(("mul (SE gate) forward", best { var inputs = [x, gate]; _ = mul.forward(&inputs, training: true) }))
    results.append(("mul (SE gate) backward", best { _ = mul.backward(gy, needed: [true, true]) }))
    return results
}

/// PyTorch's milliseconds for the same passes ("SHAPE NAME" -> ms), or empty when it cannot run.
func pytorchLayerMilliseconds(shapes: [[Int]], threads: Int, repeats: Int) -> [String: Double] {
    let script = """
    import time, torch
    import torch.nn.functional as F
    torch.set_num_threads(\(threads))
    A = torch.ops.aten
    def best(f):
        f()
        b = float('inf')
        for _ in range(\(repeats)):
            t = time.perf_counter(); f(); b = min(b, time.perf_counter() - t)
        return b * 1e3
    for shape in \(shapes):
        key = 'x'.join(map(str, shape))
        x = torch.rand(shape) * 4 - 2; gy = torch.rand(shape) - 0.5; c = shape[1]
        w = torch.full((c,), 1.2); b = torch.zeros(c); rm = torch.zeros(c); rv = torch.ones(c)
        out = {}
        out['batchnorm train forward'] = best(lambda: A.native_batch_norm(x, w, b, rm, rv, True, 0.1, 1e-5))
        _, sm, si = A.native_batch_norm(x, w, b, rm, rv, True, 0.1, 1e-5)
        out['batchnorm backward'] = best(lambda: A.native_batch_norm_backward(gy, x, w, rm, rv, sm, si, True, 1e-5, [True, True, True]))
        out['batchnorm eval forward'] = best(lambda: A.native_batch_norm(x, w, b, rm, rv, False, 0.1, 1e-5))
        y = x.clone(); g = gy.clone()
        out['relu forward'] = best(lambda: torch.relu_(y))
        out['relu backward'] = best(lambda: A.threshold_backward(g, y, 0))
        out['relu6 forward'] = best(lambda: F.hardtanh_(y, 0., 6.))
        out['relu6 backward'] = best(lambda: A.hardtanh_backward(g, y, 0., 6.))
        out['hardswish forward'] = best(lambda: F.hardswish(x))
        out['hardswish backward'] = best(lambda: A.hardswish_backward(g, x))
        s = x.clone()
        out['add (residual, in place)'] = best(lambda: s.add_(gy))
        gate = torch.rand(shape[0], c, 1, 1)
        out['mul (SE gate) forward'] = best(lambda: x * gate)
        out['mul (SE gate) backward'] = best(lambda: (gy * gate, (gy * x).sum((2, 3), keepdim=True)))
        for k, v in out.items(): print(key, k, '=', v)
    """
    guard let output = referenceOutput("/usr/bin/python3", ["-c", script], environment: ["OMP_NUM_THREADS": String(threads)]) else {
        return [:]
    }
    var result: [String: Double] = [:]
    for line in output.split(separator: "\n") {
        let parts = line.components(separatedBy: " = ")
        if parts.count == 2, let ms = Double(parts[1]) { result[parts[0]] = ms }
    }
    return result
}
