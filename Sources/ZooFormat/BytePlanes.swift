/// Splits elements into byte planes and merges them back (formats/zckpt-v1.md, "Codec planes").
///
/// Plane `p` holds byte `p` (little-endian order) of every element after the element, read as a
/// little-endian unsigned integer, is rotated left by the dtype's rotation.
enum BytePlanes {
    /// Splits `raw` (a whole number of `width`-byte elements) into `width` planes written one after
    /// another into `planes` (each `raw.count / width` bytes).
    static func split(_ raw: UnsafeRawBufferPointer, width: Int, rotation: Int, into planes: UnsafeMutableRawBufferPointer) {
        switch width {
        case 2: split(UInt16.self, raw, rotation, planes)
        case 4: split(UInt32.self, raw, rotation, planes)
        case 8: split(UInt64.self, raw, rotation, planes)
        default: if let base = raw.baseAddress, raw.count > 0 { planes.baseAddress?.copyMemory(from: base, byteCount: raw.count) }
        }
    }

    /// Merges `width` planes (each `output.count / width` bytes) back into elements in `output`.
    static func merge(_ planes: [UnsafeRawPointer], width: Int, rotation: Int, into output: UnsafeMutableRawBufferPointer) {
        switch width {
        case 2: merge(UInt16.self, planes, rotation, output)
        case 4: merge(UInt32.self, planes, rotation, output)
        case 8: merge(UInt64.self, planes, rotation, output)
        default: if let base = output.baseAddress, output.count > 0 { base.copyMemory(from: planes[0], byteCount: output.count) }
        }
    }

    @inline(__always)
    private static func split<T: FixedWidthInteger & UnsignedInteger>(
        _: T.Type, _ raw: UnsafeRawBufferPointer, _ rotation: Int, _ planes: UnsafeMutableRawBufferPointer
    ) {
        let width = MemoryLayout<T>.size
        let n = raw.count / width
        guard n > 0, let src = raw.baseAddress, let dst = planes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let back = T.bitWidth - rotation
        for i in 0..<n {
            var v = T(littleEndian: src.loadUnaligned(fromByteOffset: i &* width, as: T.self))
            if rotation != 0 { v = (v << rotation) | (v >> back) }
            for p in 0..<width {
                dst[p &* n &+ i] = UInt8(truncatingIfNeeded: v >> (8 &* p))
            }
        }
    }

    @inline(__always)
    private static func merge<T: FixedWidthInteger & UnsignedInteger>(
        _: T.Type, _ planes: [UnsafeRawPointer], _ rotation: Int, _ output: UnsafeMutableRawBufferPointer
    ) {
        let width = MemoryLayout<T>.size
        let n = output.count / width
        guard n > 0, let dst = output.baseAddress else { return }
        let back = T.bitWidth - rotation
        let sources = planes.map { $0.assumingMemoryBound(to: UInt8.self) }
        sources.withUnsafeBufferPointer { src in
            for i in 0..<n {
                var v: T = 0
                for p in 0..<width {
                    v |= T(src[p][i]) << (8 &* p)
                }
                if rotation != 0 { v = (v >> rotation) | (v << back) }
                dst.storeBytes(of: v.littleEndian, toByteOffset: i &* width, as: T.self)
            }
        }
    }
}
