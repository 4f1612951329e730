/// The right factor of a product, as the blocked driver reads it.
protocol GemmOperandB {
    /// Packs rows `p0..<p0+kc`, columns `j0..<j0+nc` of B for `K`: strips of `K.nr` columns, each
    /// `kc` rows of `K.nr` values, the columns past `nc` zero.
    func pack<K: GemmMicroKernel>(_ kernel: K.Type, p0: Int, kc: Int, j0: Int, nc: Int, into out: UnsafeMutablePointer<Float>)
    /// Whether packing costs more than a copy (gathering patches of an image): then the driver
    /// splits C by rows only when there are too few columns to go round the threads.
    var isCostly: Bool { get }
}

extension GemmOperandB {
    var isCostly: Bool { false }
}
