/// Elementwise product of two or more inputs, broadcasting as PyTorch does (equal rank, each
/// dimension equal or 1): squeeze-and-excitation's gate `[N, C, H, W] × [N, C, 1, 1]`.
///
/// Inputs that are full-size or broadcast only over trailing dimensions (the gate) run as SIMD
/// loops over runs of equal gate value, on all cores; any other broadcast takes a general strided
/// loop. Backward sums each broadcast input's gradient over its broadcast dimensions in a fixed
/// order (per run, then runs in order), so results do not depend on the thread count.
public final class MulLayer: MergeLayer {
    private var inputs: [Tensor] = []
    private var outputShape: [Int] = []

    /// A mul node.
    public init() {}

    /// How an input lines up with the output.
    enum Layout: Equatable {
        /// Same shape as the output.
        case full
        /// Equal to the output in the leading dimensions and 1 in the rest: one value per run of
        /// `run` output elements.
        case trailing(run: Int)
        /// Any other broadcast.
        case general
    }

    static func layout(of shape: [Int], output: [Int]) -> Layout {
        if shape == output { return .full }
        guard let r = (0...shape.count).first(where: { d in shape[d...].allSatisfy { $0 == 1 } }),
              Array(shape[..<r]) == Array(output[..<r]) else { return .general }
        return .trailing(run: output[r...].reduce(1, *))
    }

    /// The broadcast shape of `shapes` (ranks equal; checked by the description's shape rules).
    static func broadcastShape(_ shapes: [[Int]]) -> [Int] {
        var out = shapes[0]
        for s in shapes.dropFirst() { for d in 0..<out.count where out[d] == 1 { out[d] = s[d] } }
        return out
    }

    /// Runs of equal value for every input: the finest `trailing` run, or the whole tensor.
    private static func segment(_ layouts: [Layout], count: Int) -> Int? {
        var seg = count
        for l in layouts {
            switch l {
            case .full: continue
            case .trailing(let run): seg = min(seg, run)
            case .general: return nil
            }
        }
        // Every coarser run must be a multiple of the segment (it is: trailing runs are products
        // of the output's trailing dimensions).
        return max(1, seg)
    }

    /// See `MergeLayer.forward(_:training:)`.
    public func forward(_ inputs: inout [Tensor], training: Bool) -> Tensor {
        self.inputs = inputs
        let shape = Self.broadcastShape(inputs.map(\.shape))
        outputShape = shape
        let count = shape.reduce(1, *)
        let layouts = inputs.map { Self.layout(of: $0.shape, output: shape) }
        guard let seg = Self.segment(layouts, count: count) else {
            var out = [Float](repeating: 1, count: count)
            Self.generalProduct(inputs.map(\.data), shapes: inputs.map(\.shape), output: shape, skip: nil, into: &out)
            return Tensor(shape: shape, data: out)
        }
        let segments = count / seg
        let out = Elementwise.array(count: count) { dst in
            Self.forSegments(segments, seg) { s in Self.product(inputs, layouts, skip: nil, segment: s, seg, into: dst + s * seg) }
        }
        return Tensor(shape: shape, data: out)
    }

    /// One segment of `Π inputs` (those but `skip`, times `dst`'s values when `scaling`), written to
    /// `dst`: the first input copied, the others multiplied in while the segment is in cache.
    @inline(__always)
    private static func product(_ inputs: [Tensor], _ layouts: [Layout], skip: Int?, segment s: Int, _ seg: Int,
                                into dst: UnsafeMutablePointer<Float>, scaling: Bool = false) {
        var first = true
        for (k, input) in inputs.enumerated() where k != skip {
            input.data.withUnsafeBufferPointer { pi in
                guard let src = pi.baseAddress else { return }
                let from = UnsafePointer(dst)
                switch layouts[k] {
                case .full:
                    if first && !scaling {
                        dst.update(from: src + s * seg, count: seg)
                    } else {
                        Elementwise.zip(from, src + s * seg, dst, 0..<seg, { $0 * $1 }, { $0 * $1 })
                    }
                case .trailing(let run):
                    let v = src[s * seg / run], vv = Elementwise.V(repeating: v)
                    if first && !scaling {
                        dst.update(repeating: v, count: seg)
                    } else {
                        Elementwise.map(from, dst, 0..<seg, { $0 * vv }, { $0 * v })
                    }
                case .general: break
                }
            }
            first = false
        }
    }

    /// See `MergeLayer.releaseSaved()`.
    public func releaseSaved() { inputs = [] }

    /// See `MergeLayer.backward(_:needed:)`.
    public func backward(_ gy: Tensor, needed: [Bool]) -> [Tensor?] {
        let shape = outputShape
        let count = gy.count
        let layouts = inputs.map { Self.layout(of: $0.shape, output: shape) }
        var result: [Tensor?] = Array(repeating: nil, count: inputs.count)
        for k in inputs.indices where needed[k] {
            guard let seg = Self.segment(layouts, count: count) else {
                var g = [Float](repeating: 0, count: inputs[k].count)
                Self.generalGradient(gy.data, inputs.map(\.data), shapes: inputs.map(\.shape), output: shape, of: k, into: &g)
                result[k] = Tensor(shape: inputs[k].shape, data: g)
                continue
            }
            let segments = count / seg
            // gy · Π_{j≠k} x_j, at output size, then summed down to input k's shape.
            switch layouts[k] {
            case .full:
                let g = gy.data.withUnsafeBufferPointer { pg in
                    Elementwise.array(count: count) { dst in
                        guard let src = pg.baseAddress else { return }
                        Self.forSegments(segments, seg) { s in
                            (dst + s * seg).update(from: src + s * seg, count: seg)
                            Self.product(inputs, layouts, skip: k, segment: s, seg, into: dst + s * seg, scaling: true)
                        }
                    }
                }
                result[k] = Tensor(shape: shape, data: g)
            case .trailing(let run):
                // Σ per segment (in parallel), then the segments of a run in order. With one full
                // input besides gy (the gate's case), the sum reads both without a product array.
                let others = inputs.indices.filter { $0 != k }
                let fullOthers = others.filter { layouts[$0] == .full }
                var partial = [Double](repeating: 0, count: segments)
                partial.withUnsafeMutableBufferPointer { ps in
                    gy.data.withUnsafeBufferPointer { pg in
                        guard let g = pg.baseAddress else { return }
                        Self.forSegments(segments, seg) { s in
                            var scale: Float = 1
                            for j in others {
                                if case .trailing(let r) = layouts[j] { scale *= inputs[j].data[s * seg / r] }
                            }
                            if fullOthers.isEmpty {
                                ps[s] = Elementwise.sum(g + s * seg, seg) * Double(scale)
                            } else if fullOthers.count == 1 {
                                ps[s] = inputs[fullOthers[0]].data.withUnsafeBufferPointer { px in
                                    guard let x = px.baseAddress else { return 0 }
                                    return Elementwise.sum(g + s * seg, x + s * seg, seg, { $0 * $1 }, { $0 * $1 })
                                } * Double(scale)
                            } else {
                                var buffer = [Float](unsafeUninitializedCapacity: seg) { b, n in
                                    if let p = b.baseAddress { p.initialize(from: g + s * seg, count: seg) }
                                    n = seg
                                }
                                buffer.withUnsafeMutableBufferPointer { pb in
                                    guard let p = pb.baseAddress else { return }
                                    Self.product(inputs, layouts, skip: k, segment: s, seg, into: p, scaling: true)
                                    ps[s] = Elementwise.sum(p, seg)
                                }
                            }
                        }
                    }
                }
                var g = [Double](repeating: 0, count: inputs[k].count)
                for s in 0..<segments { g[s * seg / run] += partial[s] }
                result[k] = Tensor(shape: inputs[k].shape, data: g.map { Float($0) })
            case .general: break
            }
        }
        return result
    }

    /// `body(s)` for each of `segments` runs of `seg` elements, on all cores when the work is large.
    private static func forSegments(_ segments: Int, _ seg: Int, _ body: (Int) -> Void) {
        if segments > 1 && segments * seg >= Parallel.elementwiseThreshold {
            Parallel.forEach(segments, body)
        } else {
            for s in 0..<segments { body(s) }
        }
    }

    /// Per input, the element offset step of each output dimension (0 where it broadcasts).
    private static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 0, count: shape.count)
        var step = 1
        for d in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[d] = shape[d] == 1 ? 0 : step
            step *= shape[d]
        }
        return strides
    }

    /// Visits every output element in order with each input's element offset.
    private static func walk(_ shapes: [[Int]], output: [Int], _ visit: (_ outIndex: Int, _ offsets: [Int]) -> Void) {
        let strides = shapes.map(Self.strides)
        let count = output.reduce(1, *)
        var index = [Int](repeating: 0, count: output.count)
        var offsets = [Int](repeating: 0, count: shapes.count)
        for o in 0..<count {
            visit(o, offsets)
            var d = output.count - 1
            while d >= 0 {
                index[d] += 1
                for k in shapes.indices { offsets[k] += strides[k][d] }
                if index[d] < output[d] { break }
                for k in shapes.indices { offsets[k] -= strides[k][d] * output[d] }
                index[d] = 0
                d -= 1
            }
        }
    }

    /// `out = Π inputs` (broadcast) by the general strided walk; `skip` leaves one input out.
    private static func generalProduct(_ data: [[Float]], shapes: [[Int]], output: [Int], skip: Int?, into out: inout [Float]) {
        walk(shapes, output: output) { o, offsets in
            var p: Float = out[o]
            for k in data.indices where k != skip { p *= data[k][offsets[k]] }
            out[o] = p
        }
    }

    /// dL/d(input k) by the general strided walk: Σ over the broadcast positions of gy · Π_{j≠k} x_j.
    private static func generalGradient(_ gy: [Float], _ data: [[Float]], shapes: [[Int]], output: [Int], of k: Int,
                                        into g: inout [Float]) {
        walk(shapes, output: output) { o, offsets in
            var p = gy[o]
            for j in data.indices where j != k { p *= data[j][offsets[j]] }
            g[offsets[k]] += p
        }
    }
}
