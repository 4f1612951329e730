/// Splits elements into byte planes and merges them back (formats/zckpt-v1.md, §5.3 "planes").
///
/// Plane `p` holds byte `p` (little-endian order) of every element after the element, read as a
/// little-endian unsigned integer, is rotated left by the dtype's rotation. Each width has its own
/// loop over plain pointers so the compiler can vectorise it (this runs over every byte decoded).
enum BytePlanes {
    /// Splits `raw` (a whole number of `width`-byte elements) into `width` planes written one after
    /// another into `planes` (each `raw.count / width` bytes).
    static func split(_ raw: UnsafeRawBufferPointer, width: Int, rotation: Int, into planes: UnsafeMutableRawBufferPointer) {
        let n = raw.count / max(width, 1)
        guard n > 0, let src = raw.baseAddress, let dst = planes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let r = rotation
        switch width {
        case 2:
            for i in 0..<n {
                var v = UInt16(littleEndian: src.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self))
                v = r == 0 ? v : (v << r) | (v >> (16 &- r))
                dst[i] = UInt8(truncatingIfNeeded: v)
                dst[n &+ i] = UInt8(truncatingIfNeeded: v >> 8)
            }
        case 4:
            for i in 0..<n {
                var v = UInt32(littleEndian: src.loadUnaligned(fromByteOffset: i &* 4, as: UInt32.self))
                v = r == 0 ? v : (v << r) | (v >> (32 &- r))
                dst[i] = UInt8(truncatingIfNeeded: v)
                dst[n &+ i] = UInt8(truncatingIfNeeded: v >> 8)
                dst[2 &* n &+ i] = UInt8(truncatingIfNeeded: v >> 16)
                dst[3 &* n &+ i] = UInt8(truncatingIfNeeded: v >> 24)
            }
        case 8:
            for i in 0..<n {
                var v = UInt64(littleEndian: src.loadUnaligned(fromByteOffset: i &* 8, as: UInt64.self))
                v = r == 0 ? v : (v << r) | (v >> (64 &- r))
                for p in 0..<8 { dst[p &* n &+ i] = UInt8(truncatingIfNeeded: v >> (8 &* p)) }
            }
        default:
            dst.update(from: src.assumingMemoryBound(to: UInt8.self), count: raw.count)
        }
    }

    /// Merges `width` planes (each `output.count / width` bytes) back into elements in `output`.
    static func merge(_ planes: [UnsafeRawPointer], width: Int, rotation: Int, into output: UnsafeMutableRawBufferPointer) {
        let n = output.count / max(width, 1)
        guard n > 0, planes.count == width, let dst = output.baseAddress else { return }
        let r = rotation
        let p = planes.map { $0.assumingMemoryBound(to: UInt8.self) }
        switch width {
        case 2:
            let p0 = p[0], p1 = p[1]
            for i in 0..<n {
                var v = UInt16(p0[i]) | UInt16(p1[i]) << 8
                v = r == 0 ? v : (v >> r) | (v << (16 &- r))
                dst.storeBytes(of: v.littleEndian, toByteOffset: i &* 2, as: UInt16.self)
            }
        case 4:
            let p0 = p[0], p1 = p[1], p2 = p[2], p3 = p[3]
            for i in 0..<n {
                var v = UInt32(p0[i]) | UInt32(p1[i]) << 8 | UInt32(p2[i]) << 16 | UInt32(p3[i]) << 24
                v = r == 0 ? v : (v >> r) | (v << (32 &- r))
                dst.storeBytes(of: v.littleEndian, toByteOffset: i &* 4, as: UInt32.self)
            }
        case 8:
            let p0 = p[0], p1 = p[1], p2 = p[2], p3 = p[3], p4 = p[4], p5 = p[5], p6 = p[6], p7 = p[7]
            for i in 0..<n {
                let low = UInt32(p0[i]) | UInt32(p1[i]) << 8 | UInt32(p2[i]) << 16 | UInt32(p3[i]) << 24
                let high = UInt32(p4[i]) | UInt32(p5[i]) << 8 | UInt32(p6[i]) << 16 | UInt32(p7[i]) << 24
                var v = UInt64(low) | UInt64(high) << 32
                v = r == 0 ? v : (v >> r) | (v << (64 &- r))
                dst.storeBytes(of: v.littleEndian, toByteOffset: i &* 8, as: UInt64.self)
            }
        default:
            dst.copyMemory(from: planes[0], byteCount: output.count)
        }
    }
}
