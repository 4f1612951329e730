/// The product C, as the blocked driver writes it: rows `ldc` apart, columns grouped in images.
///
/// Column `j` is position `j % imageColumns` of image `j / imageColumns`, and images are
/// `imageStride` floats apart. A plain matrix is one image; a convolution's output `[N, C, H, W]`
/// is `C` rows of `H·W` columns per image, so the product lands in NCHW without a transpose.
struct GemmOutput {
    /// Element (0, 0).
    let base: UnsafeMutablePointer<Float>
    /// Floats between rows.
    let ldc: Int
    /// Columns per image.
    let imageColumns: Int
    /// Floats between images.
    let imageStride: Int

    /// A row-major matrix.
    init(_ base: UnsafeMutablePointer<Float>, ldc: Int) {
        self.base = base
        self.ldc = ldc
        self.imageColumns = Int.max
        self.imageStride = 0
    }

    /// Rows `ldc` apart within an image, images `imageStride` apart.
    init(_ base: UnsafeMutablePointer<Float>, ldc: Int, imageColumns: Int, imageStride: Int) {
        self.base = base
        self.ldc = ldc
        self.imageColumns = imageColumns
        self.imageStride = imageStride
    }

    /// Offset of C[0, j] when columns `j..<j+count` are contiguous (one image), else nil.
    @inline(__always)
    func contiguousOffset(_ j: Int, count: Int) -> Int? {
        if imageColumns == Int.max { return j }
        let image = j / imageColumns, q = j - image * imageColumns
        return q + count <= imageColumns ? image * imageStride + q : nil
    }

    /// Writes (or adds) a `rows × columns` tile held `ldt` floats per row at C[i0, j0].
    func store(_ tile: UnsafePointer<Float>, ldt: Int, i0: Int, rows: Int, j0: Int, columns: Int, accumulate: Bool) {
        var t = 0
        while t < columns {
            let j = j0 + t
            let image = imageColumns == Int.max ? 0 : j / imageColumns
            let q = j - image * (imageColumns == Int.max ? 0 : imageColumns)
            let run = imageColumns == Int.max ? columns - t : min(columns - t, imageColumns - q)
            let dst = base + image * imageStride + q + i0 * ldc
            for r in 0..<rows {
                let d = dst + r * ldc, s = tile + r * ldt + t
                if accumulate {
                    for u in 0..<run { d[u] += s[u] }
                } else {
                    for u in 0..<run { d[u] = s[u] }
                }
            }
            t += run
        }
    }
}
