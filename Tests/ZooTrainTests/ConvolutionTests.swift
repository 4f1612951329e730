import Testing
import ZooModel
@testable import ZooTrain

/// Direct loops in Double: the references the convolution kernels must match.
enum NaiveConvolution {
    static func forward(_ g: ConvGeometry, _ x: [Float], _ w: [Float], _ b: [Float]?) -> [Double] {
        var y = [Double](repeating: 0, count: g.outputCount)
        let cin = g.groupInChannels, cout = g.groupOutChannels
        for n in 0..<g.batch {
            for o in 0..<g.outChannels {
                let group = o / cout
                for oy in 0..<g.outHeight {
                    for ox in 0..<g.outWidth {
                        var s = Double(b?[o] ?? 0)
                        for c in 0..<cin {
                            for ki in 0..<g.kernelH {
                                for kj in 0..<g.kernelW {
                                    let iy = oy * g.strideH - g.padTop + ki * g.dilationH
                                    let ix = ox * g.strideW - g.padLeft + kj * g.dilationW
                                    guard iy >= 0, iy < g.height, ix >= 0, ix < g.width else { continue }
                                    let xv = x[((n * g.inChannels + group * cin + c) * g.height + iy) * g.width + ix]
                                    let wv = w[((o * cin + c) * g.kernelH + ki) * g.kernelW + kj]
                                    s += Double(xv) * Double(wv)
                                }
                            }
                        }
                        y[((n * g.outChannels + o) * g.outHeight + oy) * g.outWidth + ox] = s
                    }
                }
            }
        }
        return y
    }

    /// dL/dx, dL/dw and dL/db for L = Σ y·gy.
    static func backward(_ g: ConvGeometry, _ x: [Float], _ w: [Float], _ gy: [Float]) -> (gx: [Double], gw: [Double], gb: [Double]) {
        var gx = [Double](repeating: 0, count: g.inputCount)
        var gw = [Double](repeating: 0, count: g.weightCount)
        var gb = [Double](repeating: 0, count: g.outChannels)
        let cin = g.groupInChannels, cout = g.groupOutChannels
        for n in 0..<g.batch {
            for o in 0..<g.outChannels {
                let group = o / cout
                for oy in 0..<g.outHeight {
                    for ox in 0..<g.outWidth {
                        let d = Double(gy[((n * g.outChannels + o) * g.outHeight + oy) * g.outWidth + ox])
                        gb[o] += d
                        for c in 0..<cin {
                            for ki in 0..<g.kernelH {
                                for kj in 0..<g.kernelW {
                                    let iy = oy * g.strideH - g.padTop + ki * g.dilationH
                                    let ix = ox * g.strideW - g.padLeft + kj * g.dilationW
                                    guard iy >= 0, iy < g.height, ix >= 0, ix < g.width else { continue }
                                    let xi = ((n * g.inChannels + group * cin + c) * g.height + iy) * g.width + ix
                                    let wi = ((o * cin + c) * g.kernelH + ki) * g.kernelW + kj
                                    gx[xi] += d * Double(w[wi])
                                    gw[wi] += d * Double(x[xi])
                                }
                            }
                        }
                    }
                }
            }
        }
        return (gx, gw, gb)
    }
}

/// Largest |a - r| / (1 + max |r|): the parity measure of the issue.
func scaledError(_ a: [Float], _ r: [Double]) -> Double {
    precondition(a.count == r.count)
    var worst = 0.0, top = 0.0
    for i in 0..<r.count {
        worst = max(worst, abs(Double(a[i]) - r[i]))
        top = max(top, abs(r[i]))
    }
    return worst / (1 + top)
}

/// The geometries the tests cover: every feature alone and in combination, small enough for debug builds.
let convolutionCases: [(String, ConvGeometry)] = [
    ("3x3 same", ConvGeometry(batch: 2, inChannels: 3, height: 7, width: 6, outChannels: 5, kernelH: 3, kernelW: 3,
                              padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)),
    ("3x3 stride 2, asymmetric padding", ConvGeometry(batch: 2, inChannels: 4, height: 9, width: 8, outChannels: 6, kernelH: 3, kernelW: 3,
                                                     strideH: 2, strideW: 2, padTop: 0, padLeft: 0, padBottom: 1, padRight: 1)),
    ("3x2 stride 2x1 dilation 1x2", ConvGeometry(batch: 2, inChannels: 3, height: 8, width: 9, outChannels: 4, kernelH: 3, kernelW: 2,
                                                 strideH: 2, strideW: 1, dilationH: 1, dilationW: 2,
                                                 padTop: 0, padLeft: 1, padBottom: 2, padRight: 1)),
    ("groups 2", ConvGeometry(batch: 2, inChannels: 4, height: 6, width: 7, outChannels: 6, kernelH: 3, kernelW: 3,
                              padTop: 1, padLeft: 1, padBottom: 1, padRight: 1, groups: 2)),
    ("groups 3 stride 2 dilation 2", ConvGeometry(batch: 1, inChannels: 6, height: 11, width: 10, outChannels: 9, kernelH: 3, kernelW: 3,
                                                  strideH: 2, strideW: 2, dilationH: 2, dilationW: 2,
                                                  padTop: 2, padLeft: 1, padBottom: 2, padRight: 2, groups: 3)),
    ("depthwise 3x3", ConvGeometry(batch: 2, inChannels: 5, height: 9, width: 11, outChannels: 5, kernelH: 3, kernelW: 3,
                                   padTop: 1, padLeft: 1, padBottom: 1, padRight: 1, groups: 5)),
    ("depthwise stride 2, TF same", ConvGeometry(batch: 2, inChannels: 4, height: 10, width: 9, outChannels: 4, kernelH: 3, kernelW: 3,
                                                 strideH: 2, strideW: 2, padTop: 0, padLeft: 0, padBottom: 1, padRight: 1, groups: 4)),
    ("depthwise 5x3 stride 1x3 dilation 2x1", ConvGeometry(batch: 1, inChannels: 3, height: 12, width: 13, outChannels: 3, kernelH: 5, kernelW: 3,
                                                           strideH: 1, strideW: 3, dilationH: 2, dilationW: 1,
                                                           padTop: 4, padLeft: 1, padBottom: 3, padRight: 2, groups: 3)),
    ("depthwise 5x5 stride 2 on 24 wide", ConvGeometry(batch: 1, inChannels: 2, height: 7, width: 24, outChannels: 2, kernelH: 5, kernelW: 5,
                                                       strideH: 2, strideW: 2, padTop: 2, padLeft: 2, padBottom: 2, padRight: 2, groups: 2)),
    ("channel multiplier 2", ConvGeometry(batch: 2, inChannels: 3, height: 6, width: 6, outChannels: 6, kernelH: 3, kernelW: 3,
                                          padTop: 1, padLeft: 1, padBottom: 1, padRight: 1, groups: 3)),
    ("1x1", ConvGeometry(batch: 3, inChannels: 7, height: 5, width: 6, outChannels: 9, kernelH: 1, kernelW: 1)),
    ("1x1 stride 2", ConvGeometry(batch: 2, inChannels: 6, height: 7, width: 7, outChannels: 10, kernelH: 1, kernelW: 1,
                                  strideH: 2, strideW: 2)),
    ("1x1 padded", ConvGeometry(batch: 1, inChannels: 3, height: 4, width: 5, outChannels: 4, kernelH: 1, kernelW: 1,
                                padTop: 1, padLeft: 0, padBottom: 0, padRight: 2)),
    ("7x7 stride 2 RGB stem", ConvGeometry(batch: 2, inChannels: 3, height: 13, width: 11, outChannels: 8, kernelH: 7, kernelW: 7,
                                           strideH: 2, strideW: 2, padTop: 3, padLeft: 3, padBottom: 3, padRight: 3)),
    ("3x3 over several GEMM blocks", ConvGeometry(batch: 2, inChannels: 32, height: 10, width: 9, outChannels: 20, kernelH: 3, kernelW: 3,
                                                  padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)),
]

struct ConvolutionTests {
    /// Kernels this CPU can run: each is checked, not just the selected one.
    static let kernels = GemmKernel.allCases.filter(\.isSupported)

    struct Run {
        var y: [Float], gx: [Float], gw: [Float], gb: [Float]
    }

    static func run(_ g: ConvGeometry, x: [Float], w: [Float], b: [Float], gy: [Float], kernel: GemmKernel) -> Run {
        var y = [Float](repeating: .nan, count: g.outputCount)
        var gx = [Float](repeating: .nan, count: g.inputCount)
        var gw = [Float](repeating: .nan, count: g.weightCount)
        var gb = [Float](repeating: .nan, count: g.outChannels)
        x.withUnsafeBufferPointer { px in
            w.withUnsafeBufferPointer { pw in
                b.withUnsafeBufferPointer { pb in
                    gy.withUnsafeBufferPointer { pg in
                        y.withUnsafeMutableBufferPointer { py in
                            Convolution.forward(g, input: px.baseAddress!, weight: pw.baseAddress!, bias: pb.baseAddress!,
                                                output: py.baseAddress!, kernel: kernel)
                        }
                        gx.withUnsafeMutableBufferPointer { p in
                            Convolution.backwardData(g, outputGradient: pg.baseAddress!, weight: pw.baseAddress!,
                                                     inputGradient: p.baseAddress!, kernel: kernel)
                        }
                        gw.withUnsafeMutableBufferPointer { p in
                            gb.withUnsafeMutableBufferPointer { q in
                                Convolution.backwardWeight(g, input: px.baseAddress!, outputGradient: pg.baseAddress!,
                                                           weightGradient: p.baseAddress!, biasGradient: q.baseAddress!, kernel: kernel)
                            }
                        }
                    }
                }
            }
        }
        return Run(y: y, gx: gx, gw: gw, gb: gb)
    }

    @Test(arguments: convolutionCases)
    func matchesNaiveLoops(name: String, geometry g: ConvGeometry) {
        #expect(g.problem == nil)
        let x = randomTensor([g.inputCount], seed: 1).data
        let w = randomTensor([g.weightCount], seed: 2).data
        let b = randomTensor([g.outChannels], seed: 3).data
        let gy = randomTensor([g.outputCount], seed: 4).data
        let y = NaiveConvolution.forward(g, x, w, b)
        let (gx, gw, gb) = NaiveConvolution.backward(g, x, w, gy)
        for kernel in Self.kernels {
            let r = Self.run(g, x: x, w: w, b: b, gy: gy, kernel: kernel)
            let tolerance = 1e-5
            #expect(scaledError(r.y, y) < tolerance, "\(name) forward on \(kernel)")
            #expect(scaledError(r.gx, gx) < tolerance, "\(name) input gradient on \(kernel)")
            #expect(scaledError(r.gw, gw) < tolerance, "\(name) weight gradient on \(kernel)")
            #expect(scaledError(r.gb, gb) < tolerance, "\(name) bias gradient on \(kernel)")
        }
    }

    @Test(arguments: [convolutionCases[1], convolutionCases[4], convolutionCases[6], convolutionCases[14]])
    func resultsDoNotDependOnThreads(name: String, geometry g: ConvGeometry) {
        let x = randomTensor([g.inputCount], seed: 5).data
        let w = randomTensor([g.weightCount], seed: 6).data
        let b = randomTensor([g.outChannels], seed: 7).data
        let gy = randomTensor([g.outputCount], seed: 8).data
        let parallel = Self.run(g, x: x, w: w, b: b, gy: gy, kernel: .selected)
        let serial = Parallel.$serial.withValue(true) { Self.run(g, x: x, w: w, b: b, gy: gy, kernel: .selected) }
        #expect(parallel.y == serial.y, "\(name)")
        #expect(parallel.gx == serial.gx, "\(name)")
        #expect(parallel.gw == serial.gw, "\(name)")
        #expect(parallel.gb == serial.gb, "\(name)")
    }

    @Test func layerTakesEveryOption() throws {
        // A layer built with rectangular stride, dilation, groups and asymmetric padding runs the
        // same geometry as the kernels.
        let layer = Conv2dLayer(weight: Parameter(name: "w", value: randomTensor([6, 2, 3, 2], seed: 9)),
                                bias: nil, stride: Size2d(height: 2, width: 1), padding: Padding2d(top: 1, left: 0, bottom: 2, right: 1),
                                dilation: Size2d(height: 2, width: 1), groups: 2)
        let x = randomTensor([2, 4, 9, 7], seed: 10)
        let y = layer.forward(x, training: true)
        let g = layer.geometry(x.shape)
        #expect(y.shape == [2, 6, g.outHeight, g.outWidth])
        let reference = NaiveConvolution.forward(g, x.data, layer.weight.value.data, nil)
        #expect(scaledError(y.data, reference) < 1e-5)
    }
}

struct LayoutTests {
    @Test(arguments: [(3, 5, 7), (2, 16, 64), (1, 19, 83), (2, 8, 9)])
    func channelsLastCopyTransposesEveryImage(shape: (Int, Int, Int)) {
        let (count, channels, plane) = shape
        let x = randomTensor([count, channels, plane], seed: 30).data
        var out = [Float](repeating: .nan, count: x.count)
        x.withUnsafeBufferPointer { px in
            out.withUnsafeMutableBufferPointer { po in
                Convolution.toChannelsLast(px.baseAddress!, count: count, channels: channels, plane: plane, into: po.baseAddress!)
            }
        }
        var mismatches = 0
        for n in 0..<count { for c in 0..<channels { for q in 0..<plane {
            if out[(n * plane + q) * channels + c] != x[(n * channels + c) * plane + q] { mismatches += 1 }
        } } }
        #expect(mismatches == 0)
    }
}

struct ConvolutionNetworkTests {
    @Test func descriptionsWithEveryConvOptionRun() throws {
        // Depthwise stride 2 with TensorFlow's "same" padding, a grouped dilated conv, a padded
        // ceil-mode max pool and an average pool that leaves padding out: ZooModel's shape rules
        // and the kernels agree on every output size, and a training step runs.
        let description = Network.sequentialDescription(input: [4, 11, 10], ops: [
            .conv2d(Conv2dOptions(outChannels: 4, kernel: Size2d(3), stride: Size2d(2),
                                  padding: Padding2d(top: 0, left: 0, bottom: 1, right: 1), groups: 4)),
            .conv2d(Conv2dOptions(outChannels: 6, kernel: Size2d(height: 3, width: 2), padding: Padding2d(2),
                                  dilation: Size2d(2), groups: 2)),
            .maxpool2d(Pool2dOptions(kernel: Size2d(3), stride: Size2d(2), padding: Padding2d(1), ceilMode: true)),
            .avgpool2d(Pool2dOptions(kernel: Size2d(2), stride: Size2d(1), padding: Padding2d(1), countIncludePad: false)),
            .flatten, .dense(outFeatures: 3),
        ])
        let network = try Network(description: description, tensors: try Network.initialTensors(for: description, seed: 3))
        let x = randomTensor([2, 4, 11, 10], seed: 31)
        var shape = [2] + network.inputShape
        var t = x
        for (i, layer) in network.layers.enumerated() {
            t = layer.forward(t, training: true)
            shape = [2] + network.shapes[i + 1]
            #expect(t.shape == shape, "layer \(i)")
        }
        network.backward(randomTensor(t.shape, seed: 32))
        for p in network.trainableParameters { #expect(!p.gradient.data.contains { !$0.isFinite }) }
        // What convolutions and pooling keep for backward: kept by a training forward, dropped by
        // an evaluation one and below a frozen cut.
        _ = network.forward(x, training: true)
        #expect(network.layers.prefix(3).allSatisfy { BlockVectorTests.saved($0) > 0 })
        _ = network.forward(x, training: false)
        #expect(network.layers.allSatisfy { BlockVectorTests.saved($0) == 0 })
        let frozen = try Network(description: description, tensors: network.tensors(), frozenLayers: 3)
        _ = frozen.forward(x, training: true)
        #expect(frozen.layers.prefix(4).allSatisfy { BlockVectorTests.saved($0) == 0 })
        #expect(BlockVectorTests.saved(frozen.layers[5]) > 0)
    }
}

struct PoolingTests {
    /// PyTorch's CPU max pooling, written out: the window clipped to the input, row-major, a strict
    /// `>` (ties keep the first), NaN wins, and the index starts at the window's first pixel.
    static func naiveMax(_ g: PoolGeometry, _ x: [Float]) -> (y: [Float], at: [Int32]) {
        var y: [Float] = [], at: [Int32] = []
        for plane in 0..<(g.batch * g.channels) {
            for oy in 0..<g.outHeight {
                for ox in 0..<g.outWidth {
                    let y0 = oy * g.strideH - g.padTop, x0 = ox * g.strideW - g.padLeft
                    let ys = max(0, y0), xs = max(0, x0)
                    let ye = min(g.height, y0 + g.kernelH), xe = min(g.width, x0 + g.kernelW)
                    var best = -Float.infinity, index = ys * g.width + xs
                    for iy in ys..<ye {
                        for ix in xs..<xe {
                            let v = x[plane * g.inPlane + iy * g.width + ix]
                            if v > best || v.isNaN { best = v; index = iy * g.width + ix }
                        }
                    }
                    y.append(best)
                    at.append(Int32(index))
                }
            }
        }
        return (y, at)
    }

    @Test(arguments: [
        PoolGeometry(batch: 2, channels: 3, height: 23, width: 29, kernelH: 3, kernelW: 3, strideH: 2, strideW: 2,
                     padTop: 1, padLeft: 1, padBottom: 1, padRight: 1),
        PoolGeometry(batch: 1, channels: 2, height: 17, width: 40, kernelH: 2, kernelW: 3, strideH: 1, strideW: 3,
                     padTop: 1, padLeft: 1, padBottom: 0, padRight: 1, ceilMode: true),
        PoolGeometry(batch: 1, channels: 1, height: 9, width: 21, kernelH: 4, kernelW: 2, strideH: 3, strideW: 1,
                     padTop: 2, padLeft: 0, padBottom: 2, padRight: 1, ceilMode: true),
    ])
    func maxPoolingKeepsPyTorchsIndices(g: PoolGeometry) {
        #expect(g.problem == nil)
        // Few distinct values (many ties), some NaN and -inf.
        var x = randomTensor([g.batch * g.channels * g.inPlane], seed: 70).data.map { ($0 * 3).rounded() }
        for i in stride(from: 5, to: x.count, by: 37) { x[i] = .nan }
        for i in stride(from: 11, to: x.count, by: 23) { x[i] = -.infinity }
        var y = [Float](repeating: 0, count: g.outputCount), at = [Int32](repeating: -1, count: g.outputCount)
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                at.withUnsafeMutableBufferPointer { pa in
                    Pooling.maxForward(g, input: px.baseAddress!, output: py.baseAddress!, argmax: pa.baseAddress!)
                }
            }
        }
        let ref = Self.naiveMax(g, x)
        #expect(at == ref.at)
        #expect(zip(y, ref.y).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) })
    }
}
