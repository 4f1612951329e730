/// An `.npz` file: named NumPy arrays in a zip, each member `NAME.npy` (`numpy.savez` stores them,
/// `savez_compressed` deflates them; both are read). The zip is read by `ZipArchive`, the same
/// distrustful reader as PyTorch checkpoints', and each `.npy` by `NumpyArray.parse`, so the
/// checks of both apply; every member's CRC-32 is verified when it is read.
public struct NumpyArchive: Sendable {
    /// The arrays by name (member names without `.npy`), in archive order.
    public private(set) var names: [String]
    private let zip: ZipArchive
    private let bytes: [UInt8]
    private let label: String

    /// Reads the directory of an `.npz` file held in memory; arrays are parsed when asked for.
    public init(_ bytes: [UInt8], name: String = "archive") throws(FormatError) {
        // withUnsafeBytes rethrows untyped errors, so the typed one travels in a Result.
        zip = try bytes.withUnsafeBytes { raw in
            Result { () throws(FormatError) in try ZipArchive(bytes: raw, writer: "numpy.savez", maxInflatedEntryBytes: 1 << 34) }
        }.mapError { FormatError($0.kind, "\(name): \($0.message)") }.get()
        self.bytes = bytes
        label = name
        names = zip.entries.map { $0.name.hasSuffix(".npy") ? String($0.name.dropLast(4)) : $0.name }
    }

    /// The array called `name`; nil when the archive has no such member. A member declaring more
    /// than `maxBytes` is refused before anything is inflated.
    public func array(_ name: String, maxBytes: Int = 1 << 34) throws(FormatError) -> NumpyArray? {
        guard let entry = zip.entry(named: name + ".npy") ?? zip.entry(named: name) else { return nil }
        let what = "\(label): array '\(name)'"
        guard entry.uncompressedSize <= maxBytes else {
            throw FormatError(.limitExceeded, "\(what): its member declares \(entry.uncompressedSize) bytes, over the limit of \(maxBytes)")
        }
        let member = try bytes.withUnsafeBytes { raw in
            Result { () throws(FormatError) -> [UInt8] in
                var budget = UInt64(maxBytes)
                switch try zip.extract(entry, from: raw, budget: &budget) {
                case .inflated(let inflated):
                    return inflated
                case .stored(let range):
                    let slice = UnsafeRawBufferPointer(rebasing: raw[range])
                    try ZipArchive.verify(entry, slice)
                    return Array(slice)
                }
            }
        }.mapError { FormatError($0.kind, "\(label): \($0.message)") }.get()
        return try NumpyArray.parse(member, name: what)
    }

    /// An `.npz` file of `arrays` (name, array), stored as `numpy.savez` writes it.
    public static func serialized(_ arrays: [(name: String, array: NumpyArray)]) -> [UInt8] {
        ZipArchive.stored(arrays.map { ($0.name + ".npy", $0.array.serialized()) })
    }
}
