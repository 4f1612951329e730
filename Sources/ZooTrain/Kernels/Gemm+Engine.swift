extension Gemm {
    /// `C (+)= A · B` for `m × k` A and `k × n` B given as operands, on the selected kernel.
    ///
    /// The driver follows GotoBLAS/BLIS: for each block of `nc` columns and `kc` inner elements it
    /// packs B, then for each block of `mc` rows packs A and runs the micro-kernel over the tiles.
    /// Threads take disjoint rectangles of C, each summing its elements over the inner dimension in
    /// the same fixed blocks, so the result does not depend on the thread count or the scheduling.
    static func run<A: GemmOperandA, B: GemmOperandB>(
        m: Int, n: Int, k: Int, a: A, b: B, c: GemmOutput, accumulate: Bool,
        parallel: Bool = true, kernel: GemmKernel = .selected
    ) {
        switch kernel {
        case .avx512: run(AVX512MicroKernel.self, m: m, n: n, k: k, a: a, b: b, c: c, accumulate: accumulate, parallel: parallel)
        case .avx2: run(AVX2MicroKernel.self, m: m, n: n, k: k, a: a, b: b, c: c, accumulate: accumulate, parallel: parallel)
        }
    }

    /// The driver for one kernel.
    static func run<K: GemmMicroKernel, A: GemmOperandA, B: GemmOperandB>(
        _ kernel: K.Type, m: Int, n: Int, k: Int, a: A, b: B, c: GemmOutput, accumulate: Bool, parallel: Bool
    ) {
        guard m > 0, n > 0 else { return }
        if k == 0 {
            if !accumulate { zeroOutput(c, m: m, n: n) }
            return
        }
        let mr = K.mr, nr = K.nr
        let columnStrips = (n + nr - 1) / nr
        let rowStrips = (m + mr - 1) / mr
        // Split C into rectangles: columns first (B is packed once per column range), rows when the
        // columns run out. More pieces than threads keep both cores busy on a shared machine; with A
        // packed beforehand, extra column pieces cost nothing.
        // An A that must be packed is packed once per column piece, B once per row piece: cut
        // along the longer side of C.
        var columnParts = 1, rowParts = 1
        if parallel && threadCount > 1 && m * n * k >= parallelThreshold {
            // Small products: one piece per thread (each piece packs its own panels); large ones:
            // more pieces, to balance the load.
            let small = m * n * k < 1 << 25
            let target = threadCount * (small ? 1 : a.isPrepacked ? 4 : 2)
            if !a.isPrepacked && m >= n && rowStrips >= target {
                rowParts = target
            } else {
                columnParts = min(columnStrips, target)
                let enough = b.isCostly ? threadCount : target
                if columnParts < enough { rowParts = min(rowStrips, (enough + columnParts - 1) / columnParts) }
            }
        }
        let tasks = columnParts * rowParts
        Parallel.forEach(tasks, parallel: tasks > 1) { task in
            let cp = task % columnParts, rp = task / columnParts
            let jBegin = (columnStrips * cp / columnParts) * nr
            let jEnd = min(n, (columnStrips * (cp + 1) / columnParts) * nr)
            let iBegin = (rowStrips * rp / rowParts) * mr
            let iEnd = min(m, (rowStrips * (rp + 1) / rowParts) * mr)
            guard jBegin < jEnd, iBegin < iEnd else { return }
            let pool = ScratchPool.shared
            let packedB = pool.take(K.kc * K.nc), packedA = pool.take(K.kc * K.mc), edge = pool.take(mr * nr)
            defer { pool.give(packedB, K.kc * K.nc); pool.give(packedA, K.kc * K.mc); pool.give(edge, mr * nr) }
            var jc = jBegin
            while jc < jEnd {
                let ncCur = min(K.nc, jEnd - jc)
                var pc = 0
                while pc < k {
                    let kcCur = min(K.kc, k - pc)
                    let addInto = accumulate || pc > 0
                    b.pack(K.self, p0: pc, kc: kcCur, j0: jc, nc: ncCur, into: packedB)
                    var ic = iBegin
                    while ic < iEnd {
                        let mcCur = min(K.mc, iEnd - ic)
                        let blockA = a.block(K.self, i0: ic, mc: mcCur, p0: pc, kc: kcCur, scratch: packedA)
                        macroKernel(K.self, mc: mcCur, kc: kcCur, nc: ncCur, i0: ic, j0: jc, packedA: blockA,
                                    packedB: UnsafePointer(packedB), c: c, edge: edge, accumulate: addInto)
                        ic += mcCur
                    }
                    pc += kcCur
                }
                jc += ncCur
            }
        }
    }

    /// Runs the micro-kernel over one packed block of A and one packed panel of B.
    @inline(__always)
    static func macroKernel<K: GemmMicroKernel>(
        _ kernel: K.Type, mc: Int, kc: Int, nc: Int, i0: Int, j0: Int,
        packedA: UnsafePointer<Float>, packedB: UnsafePointer<Float>,
        c: GemmOutput, edge: UnsafeMutablePointer<Float>, accumulate: Bool
    ) {
        let mr = K.mr, nr = K.nr
        var s0 = 0
        while s0 < nc {
            let cols = min(nr, nc - s0)
            let bStrip = packedB + s0 * kc
            let offset = cols == nr ? c.contiguousOffset(j0 + s0, count: nr) : nil
            var r0 = 0
            while r0 < mc {
                let rows = min(mr, mc - r0)
                let aStrip = packedA + r0 * kc
                if rows == mr, let offset {
                    K.run(kc: kc, a: aStrip, b: bStrip, ldb: nr, c: c.base + offset + (i0 + r0) * c.ldc, ldc: c.ldc,
                          accumulate: accumulate)
                } else {
                    K.run(kc: kc, a: aStrip, b: bStrip, ldb: nr, c: edge, ldc: nr, accumulate: false)
                    c.store(edge, ldt: nr, i0: i0 + r0, rows: rows, j0: j0 + s0, columns: cols, accumulate: accumulate)
                }
                r0 += mr
            }
            s0 += nr
        }
    }

    /// C = 0 for an empty inner dimension.
    static func zeroOutput(_ c: GemmOutput, m: Int, n: Int) {
        let zeros = [Float](repeating: 0, count: min(n, 4096))
        zeros.withUnsafeBufferPointer { z in
            var j = 0
            while j < n {
                let cols = min(z.count, n - j)
                c.store(z.baseAddress!, ldt: 0, i0: 0, rows: m, j0: j, columns: cols, accumulate: false)
                j += cols
            }
        }
    }

    /// Uninitialised floats on a 64-byte boundary (a cache line; aligned vector loads).
    @inline(__always)
    static func allocateFloats(_ count: Int) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer.allocate(byteCount: max(1, count) * 4, alignment: 64).bindMemory(to: Float.self, capacity: max(1, count))
    }
}
