import Foundation
import ZooModel
import ZooTrain

/// `zoo-bench conv-check FILE...`: runs the cases of `scripts/torch_conv_reference.py` (conv2d,
/// max and average pooling, each with PyTorch's outputs and gradients) through zoo's layers and
/// prints each case's error as max|zoo − torch| / (1 + max|torch|); exits 1 when any exceeds 1e-4
/// or a file cannot be read. The same build and kernel as training (`ZOO_KERNEL=avx2` checks the fallback).
func runConvCheck(arguments: [String]) -> Int32 {
    guard !arguments.isEmpty else {
        FileHandle.standardError.write(Data("usage: zoo-bench conv-check FILE.json... (from scripts/torch_conv_reference.py)\n".utf8))
        return 64
    }
    let tolerance = 1e-4
    var failures = 0, total = 0, worstSeen = 0.0
    for path in arguments {
        guard let data = FileManager.default.contents(atPath: path),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let cases = root["cases"] as? [[String: Any]] else {
            FileHandle.standardError.write(Data("error: \(path) is not a case file from scripts/torch_conv_reference.py; regenerate it\n".utf8))
            return 1
        }
        print("\(path): \(cases.count) cases from torch \(root["torch"] as? String ?? "?"), kernel \(GemmKernel.selected.rawValue)")
        for (index, c) in cases.enumerated() {
            guard let result = checkCase(c) else {
                print(String(format: "  %3d  malformed case", index))
                failures += 1
                continue
            }
            total += 1
            let worst = result.errors.map(\.1).max() ?? 0
            worstSeen = max(worstSeen, worst)
            let bad = worst > tolerance
            if bad { failures += 1 }
            let errors = result.errors.map { String(format: "%@ %.1e", $0.0, $0.1) }.joined(separator: "  ")
            print(String(format: "  %3d  %@  %@%@", index, result.label.padding(toLength: 58, withPad: " ", startingAt: 0), errors, bad ? "  FAIL" : ""))
        }
    }
    print(String(format: "%d of %d cases within %.0e (worst %.1e)", total - failures, total, tolerance, worstSeen))
    return failures == 0 ? 0 : 1
}

/// Runs one case; nil when a field is missing or has the wrong size.
private func checkCase(_ c: [String: Any]) -> (label: String, errors: [(String, Double)])? {
    func int(_ k: String) -> Int? { c[k] as? Int }
    func floats(_ k: String) -> [Float]? { (c[k] as? [Any])?.compactMap { ($0 as? NSNumber)?.floatValue } }
    guard let op = c["op"] as? String, let n = int("n"), let ch = int("c"), let h = int("h"), let w = int("w"),
          let kh = int("kh"), let kw = int("kw"), let sh = int("sh"), let sw = int("sw"),
          let pt = int("pt"), let pl = int("pl"), let pb = int("pb"), let pr = int("pr"),
          let x = floats("x"), let gy = floats("gy"), let y = floats("y"), let gx = floats("gx"),
          x.count == n * ch * h * w, gx.count == x.count, y.count == gy.count else { return nil }
    let padding = Padding2d(top: pt, left: pl, bottom: pb, right: pr)
    let input = Tensor(shape: [n, ch, h, w], data: x)
    let layer: NetworkLayer
    var label: String
    var weight: Parameter?, bias: Parameter?
    if op == "conv2d" {
        guard let out = int("out"), let dh = int("dh"), let dw = int("dw"), let groups = int("groups"),
              let wv = floats("weight"), let gw = floats("gw"), wv.count == out * (ch / groups) * kh * kw, gw.count == wv.count else { return nil }
        weight = Parameter(name: "weight", value: Tensor(shape: [out, ch / groups, kh, kw], data: wv))
        if let bv = floats("bias") { bias = Parameter(name: "bias", value: Tensor(shape: [out], data: bv)) }
        layer = Conv2dLayer(weight: weight!, bias: bias, stride: Size2d(height: sh, width: sw), padding: padding,
                            dilation: Size2d(height: dh, width: dw), groups: groups)
        label = "conv \(n)x\(ch)x\(h)x\(w)->\(out) k\(kh)x\(kw) s\(sh)x\(sw) d\(dh)x\(dw) p\(padding) g\(groups)" + (bias == nil ? "" : " +b")
    } else {
        let ceil = c["ceil"] as? Bool ?? false, include = c["include"] as? Bool ?? true
        layer = Pool2dLayer(kind: op == "maxpool2d" ? .max : .average, kernel: Size2d(height: kh, width: kw),
                            stride: Size2d(height: sh, width: sw), padding: padding, ceilMode: ceil, countIncludePad: include)
        label = "\(op) \(n)x\(ch)x\(h)x\(w) k\(kh)x\(kw) s\(sh)x\(sw) p\(padding)" + (ceil ? " ceil" : "") + (include ? "" : " nopad")
    }
    let output = layer.forward(input, training: true)
    guard output.count == y.count else { return (label + " (output size \(output.shape))", [("y", .infinity)]) }
    guard let inputGradient = layer.backward(Tensor(shape: output.shape, data: gy), inputGradient: true, parameterGradients: true) else {
        return (label, [("gx", .infinity)])
    }
    var errors = [("y", parityError(output.data, y)), ("gx", parityError(inputGradient.data, gx))]
    if let weight, let gw = floats("gw") { errors.append(("gw", parityError(weight.gradient.data, gw))) }
    if let bias, let gb = floats("gb") { errors.append(("gb", parityError(bias.gradient.data, gb))) }
    return (label, errors)
}

/// max|a − r| / (1 + max|r|), the issue's parity measure.
func parityError(_ a: [Float], _ r: [Float]) -> Double {
    guard a.count == r.count else { return .infinity }
    var worst = 0.0, top = 0.0
    for i in 0..<r.count {
        let d = abs(Double(a[i]) - Double(r[i]))
        worst = d.isNaN ? .infinity : max(worst, d)
        top = max(top, abs(Double(r[i])))
    }
    return worst / (1 + top)
}
