import ZooFormat
import ZooModel

/// Some samples of another source, in a given order (a training split, a per-class subset).
public struct SubsetSource: DataSource {
    /// The source the samples come from.
    public var base: any DataSource
    /// Indices into `base`, in this source's order.
    public var indices: [Int]

    /// The samples of `base` at `indices`.
    public init(_ base: any DataSource, indices: [Int]) {
        self.base = base
        self.indices = indices
    }

    public var count: Int { indices.count }
    public var labels: [Int] { let all = base.labels; return indices.map { all[$0] } }
    public var hasLabels: Bool { base.hasLabels }
    public var classNames: [String]? { base.classNames }
    public var sampleShape: [Int] { base.sampleShape }
    public var isInMemory: Bool { base.isInMemory }
    public var augments: Bool { base.augments }
    public func name(of index: Int) -> String { base.name(of: indices[index]) }

    public func loadSample(_ index: Int, random: inout SeededRandom?, into out: UnsafeMutableBufferPointer<Float>) throws(DataError) {
        try base.loadSample(indices[index], random: &random, into: out)
    }

    public func loadBatch(_ batch: [Int], into out: UnsafeMutableBufferPointer<Float>) throws(DataError) {
        try base.loadBatch(batch.map { indices[$0] }, into: out)
    }

    /// The base's digest and the chosen indices.
    public func contentDigest() throws(DataError) -> String {
        var h = SHA256Hasher()
        h.update(Array("subset of \(try base.contentDigest())\n".utf8))
        indices.withUnsafeBytes { h.update($0) }
        return "sha256:" + h.finalizeHex()
    }
}

extension DataSource {
    /// The samples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> SubsetSource {
        SubsetSource(self, indices: indices)
    }
}
