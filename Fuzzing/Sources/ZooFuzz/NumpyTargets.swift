import ZooFormat

/// NumPy files: `.npy` and `.npz` (zip CRCs fixed up).
enum NumpyTargets {
    /// Input: an `.npy` file. One that parses must print (`serialized`) to a file that parses to
    /// the same array.
    static func npy(_ input: [UInt8]) {
        guard let array = try? NumpyArray.parse(input) else { return }
        let printed = array.serialized()
        guard let again = try? NumpyArray.parse(printed) else { FuzzCheck.fail("a printed .npy does not parse") }
        FuzzCheck.require(again == array, "a printed .npy parses to another array")
    }

    /// Input: an `.npz` file. Every member must parse or throw; the archive written back from
    /// the arrays that parse must read to the same arrays.
    static func npz(_ input: [UInt8]) {
        guard let archive = try? NumpyArchive(ZipFixup.fix(input)) else { return }
        var arrays: [(name: String, array: NumpyArray)] = []
        for name in archive.names {
            if let array = try? archive.array(name, maxBytes: 1 << 24) { arrays.append((name, array)) }
        }
        guard !arrays.isEmpty, Set(arrays.map(\.name)).count == arrays.count else { return }
        let printed = NumpyArchive.serialized(arrays)
        guard let again = try? NumpyArchive(printed) else { FuzzCheck.fail("a written .npz does not open") }
        for (name, array) in arrays {
            FuzzCheck.require((try? again.array(name)) == array, "array '\(name)' reads back differently from a written .npz")
        }
    }
}
