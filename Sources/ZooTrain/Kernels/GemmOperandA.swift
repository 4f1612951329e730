/// The left factor of a product, as the blocked driver reads it.
///
/// A conforming type knows where A's elements are (a dense matrix, a transposed one, gradient
/// planes of a batch of images) and packs a block of them as the micro-kernel wants it.
protocol GemmOperandA {
    /// Rows `i0..<i0+mc`, columns `p0..<p0+kc` of A packed for `K`: strips of `K.mr` rows, each
    /// `kc` groups of `K.mr` values, the rows past `mc` zero. Returns where the block is: `scratch`
    /// (room for `K.mc × K.kc` floats), or a block packed beforehand.
    func block<K: GemmMicroKernel>(_ kernel: K.Type, i0: Int, mc: Int, p0: Int, kc: Int,
                                   scratch: UnsafeMutablePointer<Float>) -> UnsafePointer<Float>
    /// Whether `block` only returns blocks packed beforehand (then splitting C by columns costs no
    /// repeated packing, and the driver can cut the work finer).
    var isPrepacked: Bool { get }
}

extension GemmOperandA {
    var isPrepacked: Bool { false }
}
