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

    // Vector loops for the common widths: 16 elements a step as SIMD vectors (SSE2 at least), for
    // rotation 0 or 1. Each returns how many elements it did; the scalar loops do the rest. Little
    // endian hosts only (vector lanes are stored in host order).

    @inline(__always)
    private static func mergeVector4(_ p0: UnsafePointer<UInt8>, _ p1: UnsafePointer<UInt8>, _ p2: UnsafePointer<UInt8>,
                                     _ p3: UnsafePointer<UInt8>, rotation: Int, count n: Int,
                                     into dst: UnsafeMutableRawPointer) -> Int {
        #if _endian(little)
        guard rotation <= 1 else { return 0 }
        let shift = SIMD16<UInt32>(repeating: UInt32(rotation)), back = SIMD16<UInt32>(repeating: UInt32(32 - rotation) & 31)
        var i = 0
        while i &+ 16 <= n {
            let a = SIMD16<UInt32>(truncatingIfNeeded: UnsafeRawPointer(p0 + i).loadUnaligned(as: SIMD16<UInt8>.self))
            let b = SIMD16<UInt32>(truncatingIfNeeded: UnsafeRawPointer(p1 + i).loadUnaligned(as: SIMD16<UInt8>.self))
            let c = SIMD16<UInt32>(truncatingIfNeeded: UnsafeRawPointer(p2 + i).loadUnaligned(as: SIMD16<UInt8>.self))
            let d = SIMD16<UInt32>(truncatingIfNeeded: UnsafeRawPointer(p3 + i).loadUnaligned(as: SIMD16<UInt8>.self))
            var v = a | b &<< 8 | c &<< 16 | d &<< 24
            if rotation == 1 { v = (v &>> shift) | (v &<< back) }
            (dst + i &* 4).storeBytes(of: v, as: SIMD16<UInt32>.self)
            i &+= 16
        }
        return i
        #else
        return 0
        #endif
    }

    @inline(__always)
    private static func mergeVector2(_ p0: UnsafePointer<UInt8>, _ p1: UnsafePointer<UInt8>, rotation: Int, count n: Int,
                                     into dst: UnsafeMutableRawPointer) -> Int {
        #if _endian(little)
        guard rotation <= 1 else { return 0 }
        let shift = SIMD16<UInt16>(repeating: UInt16(rotation)), back = SIMD16<UInt16>(repeating: UInt16(16 - rotation) & 15)
        var i = 0
        while i &+ 16 <= n {
            let a = SIMD16<UInt16>(truncatingIfNeeded: UnsafeRawPointer(p0 + i).loadUnaligned(as: SIMD16<UInt8>.self))
            let b = SIMD16<UInt16>(truncatingIfNeeded: UnsafeRawPointer(p1 + i).loadUnaligned(as: SIMD16<UInt8>.self))
            var v = a | b &<< 8
            if rotation == 1 { v = (v &>> shift) | (v &<< back) }
            (dst + i &* 2).storeBytes(of: v, as: SIMD16<UInt16>.self)
            i &+= 16
        }
        return i
        #else
        return 0
        #endif
    }

    @inline(__always)
    private static func splitVector4(_ src: UnsafeRawPointer, rotation: Int, count n: Int,
                                     into dst: UnsafeMutablePointer<UInt8>) -> Int {
        #if _endian(little)
        guard rotation <= 1 else { return 0 }
        let shift = SIMD16<UInt32>(repeating: UInt32(rotation)), back = SIMD16<UInt32>(repeating: UInt32(32 - rotation) & 31)
        var i = 0
        while i &+ 16 <= n {
            var v = (src + i &* 4).loadUnaligned(as: SIMD16<UInt32>.self)
            if rotation == 1 { v = (v &<< shift) | (v &>> back) }
            UnsafeMutableRawPointer(dst + i).storeBytes(of: SIMD16<UInt8>(truncatingIfNeeded: v), as: SIMD16<UInt8>.self)
            UnsafeMutableRawPointer(dst + (n &+ i)).storeBytes(of: SIMD16<UInt8>(truncatingIfNeeded: v &>> 8), as: SIMD16<UInt8>.self)
            UnsafeMutableRawPointer(dst + (2 &* n &+ i)).storeBytes(of: SIMD16<UInt8>(truncatingIfNeeded: v &>> 16), as: SIMD16<UInt8>.self)
            UnsafeMutableRawPointer(dst + (3 &* n &+ i)).storeBytes(of: SIMD16<UInt8>(truncatingIfNeeded: v &>> 24), as: SIMD16<UInt8>.self)
            i &+= 16
        }
        return i
        #else
        return 0
        #endif
    }

    @inline(__always)
    private static func splitVector2(_ src: UnsafeRawPointer, rotation: Int, count n: Int,
                                     into dst: UnsafeMutablePointer<UInt8>) -> Int {
        #if _endian(little)
        guard rotation <= 1 else { return 0 }
        let shift = SIMD16<UInt16>(repeating: UInt16(rotation)), back = SIMD16<UInt16>(repeating: UInt16(16 - rotation) & 15)
        var i = 0
        while i &+ 16 <= n {
            var v = (src + i &* 2).loadUnaligned(as: SIMD16<UInt16>.self)
            if rotation == 1 { v = (v &<< shift) | (v &>> back) }
            UnsafeMutableRawPointer(dst + i).storeBytes(of: SIMD16<UInt8>(truncatingIfNeeded: v), as: SIMD16<UInt8>.self)
            UnsafeMutableRawPointer(dst + (n &+ i)).storeBytes(of: SIMD16<UInt8>(truncatingIfNeeded: v &>> 8), as: SIMD16<UInt8>.self)
            i &+= 16
        }
        return i
        #else
        return 0
        #endif
    }
}
