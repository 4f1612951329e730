import ZooFormat
import ZooModel

/// Another source with its labels renumbered: an image folder's classes matched by name to the
/// labels of a model's card, so "cat" is the model's "cat" output whatever the folder's order.
public struct RelabelledSource: DataSource {
    /// The source the samples come from.
    public var base: any DataSource
    public var labels: [Int]
    public var classNames: [String]?

    /// `base` with each sample's class name looked up in `names` (the model's labels). A class the
    /// model does not have is an error naming it.
    public init(_ base: any DataSource, toClassNames names: [String]) throws(DataError) {
        guard let own = base.classNames else {
            throw DataError(.invalidArgument, "the data has no class names to match to the model's labels")
        }
        let index = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let missing = own.filter { index[$0] == nil }
        guard missing.isEmpty else {
            throw DataError(.invalidData, "the data's classes \(missing.map { "'\($0)'" }.joined(separator: ", ")) are not among the model's labels (\(names.joined(separator: ", "))); rename the folders, or graft a head with --labels for these classes")
        }
        let map = own.map { index[$0] ?? 0 }
        self.base = base
        self.labels = base.labels.map { map[$0] }
        self.classNames = names
    }

    public var count: Int { base.count }
    public var hasLabels: Bool { base.hasLabels }
    public var sampleShape: [Int] { base.sampleShape }
    public var isInMemory: Bool { base.isInMemory }
    public var augments: Bool { base.augments }
    public func name(of index: Int) -> String { base.name(of: index) }

    public func loadSample(_ index: Int, random: inout SeededRandom?, into out: UnsafeMutableBufferPointer<Float>) throws(DataError) {
        try base.loadSample(index, random: &random, into: out)
    }

    public func loadBatch(_ indices: [Int], into out: UnsafeMutableBufferPointer<Float>) throws(DataError) {
        try base.loadBatch(indices, into: out)
    }

    public func contentDigest() throws(DataError) -> String {
        var h = SHA256Hasher()
        h.update(Array("relabelled \(try base.contentDigest()) to \(classNames ?? [])\n".utf8))
        return "sha256:" + h.finalizeHex()
    }
}
