extension PixelImage {
    /// The image with `channels` channels, converted as PIL's `convert` does: gray to RGB copies the
    /// value into each channel; RGB to gray is ITU-R 601-2 luma in PIL's fixed point,
    /// `(r·19595 + g·38470 + b·7471 + 2^15) >> 16`.
    public func converted(toChannels target: Int) -> PixelImage {
        precondition(target == 1 || target == 3, "images have 1 or 3 channels")
        if target == channels { return self }
        let n = width * height
        var out = [UInt8](repeating: 0, count: n * target)
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                if target == 3 {
                    for p in 0..<n {
                        let v = src[p]
                        dst[3 * p] = v
                        dst[3 * p + 1] = v
                        dst[3 * p + 2] = v
                    }
                } else {
                    for p in 0..<n {
                        let l = Int(src[3 * p]) * 19595 + Int(src[3 * p + 1]) * 38470 + Int(src[3 * p + 2]) * 7471 + 0x8000
                        dst[p] = UInt8(truncatingIfNeeded: l >> 16)
                    }
                }
            }
        }
        return PixelImage(width: width, height: height, channels: target, pixels: out)
    }

    /// The `width` × `height` region whose top-left corner is (`left`, `top`); pixels outside the
    /// image are 0, as torchvision's `center_crop` pads before it crops.
    public func cropped(top: Int, left: Int, width w: Int, height h: Int) -> PixelImage {
        precondition(w > 0 && h > 0, "crop to an empty image")
        if top == 0 && left == 0 && w == width && h == height { return self }
        var out = [UInt8](repeating: 0, count: w * h * channels)
        let x0 = max(0, -left), x1 = min(w, width - left)
        guard x1 > x0 else { return PixelImage(width: w, height: h, channels: channels, pixels: out) }
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    let sy = y + top
                    guard sy >= 0 && sy < height else { continue }
                    let s = (sy * width + left + x0) * channels
                    let d = (y * w + x0) * channels
                    for i in 0..<((x1 - x0) * channels) { dst[d + i] = src[s + i] }
                }
            }
        }
        return PixelImage(width: w, height: h, channels: channels, pixels: out)
    }

    /// The image mirrored left to right.
    public func flippedHorizontally() -> PixelImage {
        var out = pixels
        let c = channels
        pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<height {
                    let row = y * width * c
                    for x in 0..<width {
                        for ch in 0..<c { dst[row + x * c + ch] = src[row + (width - 1 - x) * c + ch] }
                    }
                }
            }
        }
        return PixelImage(width: width, height: height, channels: c, pixels: out)
    }
}
