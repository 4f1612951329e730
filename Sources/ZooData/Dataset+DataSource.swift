import ZooFormat
import ZooModel

extension Dataset: DataSource {
    public var sampleShape: [Int] { shape }
    public var isInMemory: Bool { true }
    public var augments: Bool { false }

    public func name(of index: Int) -> String { "row \(index + 1)" }

    public func loadSample(_ index: Int, random: inout SeededRandom?, into out: UnsafeMutableBufferPointer<Float>) throws(DataError) {
        try loadBatch([index], into: out)
    }

    /// Copies rows with one block copy each.
    public func loadBatch(_ indices: [Int], into out: UnsafeMutableBufferPointer<Float>) throws(DataError) {
        let f = featureCount
        precondition(out.count >= indices.count * f)
        guard f > 0, let dst = out.baseAddress else { return }
        features.withUnsafeBufferPointer { src in
            guard let base = src.baseAddress else { return }
            for (r, i) in indices.enumerated() {
                (dst + r * f).update(from: base + i * f, count: f)
            }
        }
    }

    /// SHA-256 of the shape, the features' bytes and the labels.
    public func contentDigest() throws(DataError) -> String {
        var h = SHA256Hasher()
        h.update(Array("dataset shape=\(shape) labels=\(hasLabels) names=\(classNames ?? [])\n".utf8))
        features.withUnsafeBytes { h.update($0) }
        labels.withUnsafeBytes { h.update($0) }
        return "sha256:" + h.finalizeHex()
    }
}
