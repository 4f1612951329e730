/// PIL's `Image.resize` for 8-bit images (`ImagingResample` in Pillow's `Resample.c`), reproduced
/// so that resized pixels equal PIL's exactly: separable passes, horizontal first over only the
/// rows the vertical pass reads; per output pixel a window of source pixels whose weights come
/// from the filter (support widened by the downscale factor), normalised to sum 1, then turned
/// into 22-bit fixed point with PIL's rounding; sums start at half a unit and are clipped to
/// 0...255 between the passes, as PIL rounds to uint8 there.
public enum ImageResampler {
    /// Fixed-point bits of the weights (PIL's `PRECISION_BITS`, 32 - 8 - 2).
    static let precisionBits = 22

    /// Source windows and fixed-point weights for one axis (PIL's `precompute_coeffs` followed
    /// by `normalize_coeffs_8bpc`).
    struct Coefficients {
        /// Weights per output pixel (`ksize` each, zero-padded).
        var weights: [Int32]
        /// First source index per output pixel.
        var start: [Int]
        /// Source pixels used per output pixel.
        var count: [Int]
        /// Weights per output pixel, padded.
        var ksize: Int

        init(inSize: Int, outSize: Int, filter: ResampleFilter) {
            let scale = Double(inSize) / Double(outSize)
            let filterScale = max(scale, 1)
            let support = filter.support * filterScale
            let ksize = Int(support.rounded(.up)) * 2 + 1
            var weights = [Int32](repeating: 0, count: outSize * ksize)
            var start = [Int](repeating: 0, count: outSize)
            var count = [Int](repeating: 0, count: outSize)
            var k = [Double](repeating: 0, count: ksize)
            let ss = 1 / filterScale
            let unit = Double(1 << ImageResampler.precisionBits)
            for xx in 0..<outSize {
                let center = (Double(xx) + 0.5) * scale
                var ww = 0.0
                // C's (int) cast truncates toward zero, as Int(_:) does.
                let xmin = max(0, Int(center - support + 0.5))
                let xmax = min(inSize, Int(center + support + 0.5)) - xmin
                for x in 0..<max(0, xmax) {
                    let w = filter.weight((Double(x + xmin) - center + 0.5) * ss)
                    k[x] = w
                    ww += w
                }
                for x in 0..<max(0, xmax) {
                    if ww != 0 { k[x] /= ww }
                    let v = k[x] * unit
                    weights[xx * ksize + x] = Int32(k[x] < 0 ? -0.5 + v : 0.5 + v)
                }
                start[xx] = xmin
                count[xx] = max(0, xmax)
            }
            self.weights = weights
            self.start = start
            self.count = count
            self.ksize = ksize
        }
    }

    /// `image` resized to `width` × `height` with `filter`, as PIL's `image.resize((width, height), filter)`.
    public static func resize(_ image: PixelImage, width: Int, height: Int, filter: ResampleFilter = .bilinear) -> PixelImage {
        precondition(width > 0 && height > 0, "resize to an empty image")
        if width == image.width && height == image.height { return image }
        let vertical = Coefficients(inSize: image.height, outSize: height, filter: filter)
        var source = image
        // Horizontal pass, over only the source rows the vertical pass reads.
        var rowOffset = 0
        if width != image.width {
            let first = vertical.start[0]
            let last = vertical.start[height - 1] + vertical.count[height - 1]
            source = horizontal(image, width: width, rows: first..<last, filter: filter)
            rowOffset = first
        }
        if height != image.height {
            source = verticalPass(source, coefficients: vertical, rowOffset: rowOffset)
        }
        return source
    }

    static func horizontal(_ image: PixelImage, width: Int, rows: Range<Int>, filter: ResampleFilter) -> PixelImage {
        let c = Coefficients(inSize: image.width, outSize: width, filter: filter)
        let channels = image.channels
        var out = [UInt8](repeating: 0, count: rows.count * width * channels)
        let half = Int32(1) << (precisionBits - 1)
        image.pixels.withUnsafeBufferPointer { src in
            c.weights.withUnsafeBufferPointer { k in
                out.withUnsafeMutableBufferPointer { dst in
                    for (yy, y) in rows.enumerated() {
                        let srcRow = y * image.width * channels
                        let dstRow = yy * width * channels
                        for xx in 0..<width {
                            let xmin = c.start[xx], n = c.count[xx], kBase = xx * c.ksize
                            for ch in 0..<channels {
                                var ss = half
                                var p = srcRow + xmin * channels + ch
                                for x in 0..<n {
                                    ss &+= Int32(src[p]) &* k[kBase + x]
                                    p += channels
                                }
                                dst[dstRow + xx * channels + ch] = clip8(ss)
                            }
                        }
                    }
                }
            }
        }
        return PixelImage(width: width, height: rows.count, channels: channels, pixels: out)
    }

    static func verticalPass(_ image: PixelImage, coefficients c: Coefficients, rowOffset: Int) -> PixelImage {
        let height = c.start.count
        let channels = image.channels
        let rowLength = image.width * channels
        var out = [UInt8](repeating: 0, count: height * rowLength)
        let half = Int32(1) << (precisionBits - 1)
        var sums = [Int32](repeating: 0, count: rowLength)
        image.pixels.withUnsafeBufferPointer { src in
            c.weights.withUnsafeBufferPointer { k in
                out.withUnsafeMutableBufferPointer { dst in
                    sums.withUnsafeMutableBufferPointer { acc in
                        for yy in 0..<height {
                            let ymin = c.start[yy] - rowOffset, n = c.count[yy], kBase = yy * c.ksize
                            for i in 0..<rowLength { acc[i] = half }
                            // Row by row: the same sums as PIL's per-pixel loop, in cache order.
                            for y in 0..<n {
                                let w = k[kBase + y]
                                let row = (ymin + y) * rowLength
                                for i in 0..<rowLength { acc[i] &+= Int32(src[row + i]) &* w }
                            }
                            let base = yy * rowLength
                            for i in 0..<rowLength { dst[base + i] = clip8(acc[i]) }
                        }
                    }
                }
            }
        }
        return PixelImage(width: image.width, height: height, channels: channels, pixels: out)
    }

    /// PIL's `clip8`: the sum's integer part, clipped to 0...255.
    @inline(__always) static func clip8(_ ss: Int32) -> UInt8 {
        let v = ss >> Int32(precisionBits)
        return v < 0 ? 0 : (v > 255 ? 255 : UInt8(v))
    }
}
