import CZooKernels

/// Splits elements into byte planes and merges them back (formats/zckpt-v1.md, §5.3 "planes").
///
/// Plane `p` holds byte `p` (little-endian order) of every element after the element, read as a
/// little-endian unsigned integer, is rotated left by the dtype's rotation. Widths 2 and 4 run
/// CZooKernels' AVX2 loops (this runs over every byte decoded), the rest plain loops.
enum BytePlanes {
    /// Splits `raw` (a whole number of `width`-byte elements) into `width` planes written one after
    /// another into `planes` (each `raw.count / width` bytes).
    static func split(_ raw: UnsafeRawBufferPointer, width: Int, rotation: Int, into planes: UnsafeMutableRawBufferPointer) {
        let n = raw.count / max(width, 1)
        guard n > 0, let src = raw.baseAddress, let dst = planes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let r = rotation
        switch width {
        case 2:
            let done = splitVector2(src, rotation: r, count: n, into: dst)
            for i in done..<n {
                var v = UInt16(littleEndian: src.loadUnaligned(fromByteOffset: i &* 2, as: UInt16.self))
                v = r == 0 ? v : (v << r) | (v >> (16 &- r))
                dst[i] = UInt8(truncatingIfNeeded: v)
                dst[n &+ i] = UInt8(truncatingIfNeeded: v >> 8)
            }
        case 4:
            let done = splitVector4(src, rotation: r, count: n, into: dst)
            for i in done..<n {
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
            let done = mergeVector2(p0, p1, rotation: r, count: n, into: dst)
            for i in done..<n {
                var v = UInt16(p0[i]) | UInt16(p1[i]) << 8
                v = r == 0 ? v : (v >> r) | (v << (16 &- r))
                dst.storeBytes(of: v.littleEndian, toByteOffset: i &* 2, as: UInt16.self)
            }
        case 4:
            let p0 = p[0], p1 = p[1], p2 = p[2], p3 = p[3]
            let done = mergeVector4(p0, p1, p2, p3, rotation: r, count: n, into: dst)
            for i in done..<n {
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

    // Vector loops for the common widths (CZooKernels, AVX2 shuffles), for rotation 0 or 1. Each
    // returns how many elements it did; the scalar loops do the rest.

    @inline(__always)
    private static func mergeVector4(_ p0: UnsafePointer<UInt8>, _ p1: UnsafePointer<UInt8>, _ p2: UnsafePointer<UInt8>,
                                     _ p3: UnsafePointer<UInt8>, rotation: Int, count n: Int,
                                     into dst: UnsafeMutableRawPointer) -> Int {
        guard rotation <= 1 else { return 0 }
        return zoo_planes_merge4(p0, p1, p2, p3, Int32(rotation), n, dst.assumingMemoryBound(to: UInt8.self))
    }

    @inline(__always)
    private static func mergeVector2(_ p0: UnsafePointer<UInt8>, _ p1: UnsafePointer<UInt8>, rotation: Int, count n: Int,
                                     into dst: UnsafeMutableRawPointer) -> Int {
        guard rotation <= 1 else { return 0 }
        return zoo_planes_merge2(p0, p1, Int32(rotation), n, dst.assumingMemoryBound(to: UInt8.self))
    }

    @inline(__always)
    private static func splitVector4(_ src: UnsafeRawPointer, rotation: Int, count n: Int,
                                     into dst: UnsafeMutablePointer<UInt8>) -> Int {
        guard rotation <= 1 else { return 0 }
        return zoo_planes_split4(src.assumingMemoryBound(to: UInt8.self), Int32(rotation), n, dst)
    }

    @inline(__always)
    private static func splitVector2(_ src: UnsafeRawPointer, rotation: Int, count n: Int,
                                     into dst: UnsafeMutablePointer<UInt8>) -> Int {
        guard rotation <= 1 else { return 0 }
        return zoo_planes_split2(src.assumingMemoryBound(to: UInt8.self), Int32(rotation), n, dst)
    }
}
