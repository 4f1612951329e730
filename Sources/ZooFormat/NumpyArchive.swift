/// An `.npz` file: named NumPy arrays in a zip, each member `NAME.npy` (`numpy.savez` stores them,
/// `savez_compressed` deflates them; both are read). Members are read through `NpzZip` and
/// each `.npy` through `NumpyArray.parse`, so the checks of both apply.
public struct NumpyArchive: Sendable {
    /// The arrays by name (member names without `.npy`), in archive order.
    public private(set) var names: [String]
    private let zip: NpzZip
    private let label: String

    /// Reads the directory of an `.npz` file held in memory; arrays are parsed when asked for.
    public init(_ bytes: [UInt8], name: String = "archive") throws(FormatError) {
        zip = try NpzZip(bytes, name: name)
        label = name
        names = zip.entries.map { $0.name.hasSuffix(".npy") ? String($0.name.dropLast(4)) : $0.name }
    }

    /// The array called `name`; nil when the archive has no such member.
    public func array(_ name: String, maxBytes: Int = 1 << 34) throws(FormatError) -> NumpyArray? {
        guard let entry = zip.entry(named: name + ".npy") ?? zip.entry(named: name) else { return nil }
        return try NumpyArray.parse(try zip.contents(of: entry, maxBytes: maxBytes), name: "\(label): array '\(name)'")
    }

    /// An `.npz` file of `arrays` (name, array), stored as `numpy.savez` writes it.
    public static func serialized(_ arrays: [(name: String, array: NumpyArray)]) -> [UInt8] {
        NpzZip.stored(arrays.map { ($0.name + ".npy", $0.array.serialized()) })
    }
}
