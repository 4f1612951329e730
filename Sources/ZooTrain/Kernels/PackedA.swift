/// A left factor packed once for one kernel, then shared by every block of columns and every
/// thread: a convolution's weights are packed once per pass instead of once per block of pixels.
///
/// The layout is the driver's: for each `K.kc` block of the inner dimension, every strip of
/// `K.mr` rows in order, each `kc × mr` floats.
final class PackedA: GemmOperandA {
    let m: Int
    let k: Int
    let mr: Int
    let kcBlock: Int
    private let storage: UnsafeMutablePointer<Float>
    private let rowStrips: Int

    /// Packs the `m × k` operand `source` for kernel `K`.
    init<K: GemmMicroKernel, A: GemmOperandA>(_ kernel: K.Type, m: Int, k: Int, source: A) {
        self.m = m
        self.k = k
        self.mr = K.mr
        self.kcBlock = K.kc
        rowStrips = (m + K.mr - 1) / K.mr
        let paddedRows = rowStrips * K.mr
        storage = UnsafeMutableRawPointer.allocate(byteCount: max(1, paddedRows * k) * 4, alignment: 64)
            .bindMemory(to: Float.self, capacity: max(1, paddedRows * k))
        // Blocks are disjoint, so they pack in parallel.
        let kBlocks = (k + K.kc - 1) / K.kc, mBlocks = (m + K.mc - 1) / K.mc
        let base = UncheckedSendable(value: storage)
        Parallel.forEach(kBlocks * mBlocks, parallel: m * k >= 1 << 16) { task in
            let p0 = (task / mBlocks) * K.kc, i0 = (task % mBlocks) * K.mc
            let kc = min(K.kc, k - p0), mc = min(K.mc, m - i0)
            let dst = base.value + p0 * paddedRows + (i0 / K.mr) * kc * K.mr
            let packed = source.block(K.self, i0: i0, mc: mc, p0: p0, kc: kc, scratch: dst)
            if packed != UnsafePointer(dst) { dst.update(from: packed, count: ((mc + K.mr - 1) / K.mr) * K.mr * kc) }
        }
    }

    /// Packs `source` for the named kernel.
    convenience init<A: GemmOperandA>(kernel: GemmKernel, m: Int, k: Int, source: A) {
        switch kernel {
        case .avx512: self.init(AVX512MicroKernel.self, m: m, k: k, source: source)
        case .avx2: self.init(AVX2MicroKernel.self, m: m, k: k, source: source)
        }
    }

    deinit { storage.deallocate() }

    var isPrepacked: Bool { true }

    func block<K: GemmMicroKernel>(_ kernel: K.Type, i0: Int, mc: Int, p0: Int, kc: Int,
                                   scratch: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
        precondition(K.mr == mr && K.kc == kcBlock && i0 % mr == 0 && p0 % kcBlock == 0,
                     "a packed operand is read with the kernel and blocks it was packed for")
        return UnsafePointer(storage + p0 * rowStrips * mr + (i0 / mr) * kc * mr)
    }
}
