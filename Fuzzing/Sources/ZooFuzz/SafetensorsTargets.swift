import ZooFormat

/// safetensors: the header parser alone, and whole files through the reader and both conversions.
enum SafetensorsTargets {
    /// Input: the data section's length (8 bytes, little-endian, below 2^40) then the header's
    /// JSON. A header that parses must print (`serialized`) to JSON that parses to the same header,
    /// and print again to the same bytes.
    static func header(_ input: [UInt8]) {
        let split = min(8, input.count)
        let length = Int(input[..<split].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) } & ((1 << 40) - 1))
        let json = Array(input[split...])
        guard let parsed = parse(json, dataLength: length) else { return }
        FuzzCheck.require(parsed.dataLength == length, "the header's tensors end at \(parsed.dataLength), not at the data length \(length)")
        let printed = parsed.serialized()
        guard let again = parse(printed, dataLength: length) else {
            FuzzCheck.fail("the printed header does not parse: \(String(decoding: printed, as: UTF8.self))")
        }
        FuzzCheck.require(again == parsed, "the printed header parses to other tensors or metadata")
        FuzzCheck.require(again.serialized() == printed, "printing is not stable")
    }

    /// Whether a tensor or the metadata of `file` is beyond what a `.zckpt` index may hold
    /// (formats/zckpt-v1.md §9): safetensors allows empty and long names, any dimension count.
    static func beyondCheckpointLimits(_ file: SafetensorsFile) -> Bool {
        file.tensors.contains { !(1...FormatLimits.maxNameBytes).contains($0.name.utf8.count) || $0.shape.count > FormatLimits.maxDimensions }
            || (file.metadata?.count ?? 0) > FormatLimits.maxMetadataEntries
            || (file.metadata?.keys.contains { $0.utf8.count > FormatLimits.maxMetadataKeyBytes } ?? false)
    }

    private static func parse(_ bytes: [UInt8], dataLength: Int) -> SafetensorsHeader? {
        bytes.withUnsafeBytes { try? SafetensorsHeader.parse($0, dataLength: dataLength) }
    }

    /// Input: a safetensors file. One that opens is converted to `.zckpt` (planes) and back, and
    /// every tensor must come back with its name, dtype, shape and bytes; when the reader says
    /// the header round-trips, the output file must equal the input byte for byte.
    static func file(_ input: [UInt8]) {
        let path = Scratch.write("in.safetensors", input)
        guard let file = try? SafetensorsFile(path: path) else { return }
        let zckpt = Scratch.path("mid.zckpt"), back = Scratch.path("out.safetensors")
        Scratch.remove("mid.zckpt"); Scratch.remove("out.safetensors")
        let there: CheckpointConversion.Summary
        do { there = try CheckpointConversion.convert(from: path, to: zckpt, codec: .planes, level: 1) } catch {
            // A file beyond what .zckpt holds is refused (a limit error); anything else must convert.
            FuzzCheck.require(error.kind == .limitExceeded && beyondCheckpointLimits(file),
                              "a safetensors file within .zckpt's limits does not convert to .zckpt: \(error)")
            return
        }
        do { try CheckpointConversion.convert(from: zckpt, to: back) } catch {
            FuzzCheck.fail("a .zckpt written from safetensors does not convert back: \(error)")
        }
        guard let output = try? SafetensorsFile(path: back) else { FuzzCheck.fail("the converted-back file does not open") }
        FuzzCheck.require(output.tensors.count == file.tensors.count, "tensor count changed")
        for (a, b) in zip(file.tensors, output.tensors) {
            FuzzCheck.require(a.name == b.name && a.dtype == b.dtype && a.shape == b.shape, "tensor '\(a.name)' changed its name, dtype or shape")
            FuzzCheck.require(Array(file.bytes(of: a)) == Array(output.bytes(of: b)), "tensor '\(a.name)' changed its bytes")
        }
        FuzzCheck.require(output.metadata == file.metadata, "metadata changed")
        if there.headerPreserved {
            FuzzCheck.require(Scratch.read("out.safetensors") == input, "the header was said to round-trip but the file changed")
        }
    }
}
