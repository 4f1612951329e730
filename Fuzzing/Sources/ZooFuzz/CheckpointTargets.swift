@testable import ZooFormat

/// `.zckpt`: the index parser alone, and whole files (footer, index, layout, every chunk).
enum CheckpointTargets {
    /// Input: index JSON. One that parses must print (`jsonBytes`) to JSON that parses to the
    /// same index, and print again to the same bytes.
    static func index(_ input: [UInt8]) {
        guard let parsed = input.withUnsafeBytes({ try? CheckpointIndex(jsonBytes: $0) }) else { return }
        guard let printed = try? parsed.jsonBytes() else { FuzzCheck.fail("a parsed index cannot be printed") }
        guard let again = printed.withUnsafeBytes({ try? CheckpointIndex(jsonBytes: $0) }) else {
            FuzzCheck.fail("the printed index does not parse: \(String(decoding: printed, as: UTF8.self))")
        }
        FuzzCheck.require(again == parsed, "the printed index parses to another index")
        FuzzCheck.require((try? again.jsonBytes()) == printed, "printing is not stable")
    }

    /// Input: a `.zckpt` file, fixed up (`CheckpointFixup`). Opening, verifying, decoding every
    /// tensor and converting to safetensors must each succeed or throw; a file that verifies
    /// must convert, and the safetensors file must hold the decoded bytes.
    static func file(_ input: [UInt8]) {
        let bytes = CheckpointFixup.fix(input)
        let path = Scratch.write("in.zckpt", bytes)
        guard let reader = try? CheckpointReader(path: path) else { return }
        let verified = (try? reader.verify()) != nil
        var decoded: [String: [UInt8]] = [:]
        let all = (try? reader.decodeEach(checkDigest: false) { record, raw in decoded[record.name] = Array(raw) }) != nil
        if verified { FuzzCheck.require(all, "a file that verifies does not decode") }
        for record in reader.index.tensors where all {
            FuzzCheck.require(decoded[record.name]?.count == Int(record.rawBytes), "tensor '\(record.name)' decoded to the wrong length")
            if verified {
                FuzzCheck.require(decoded[record.name].map(SHA256Digest.hex) == record.sha256, "a verified tensor decodes to other bytes")
            }
        }
        let out = Scratch.path("out.safetensors")
        Scratch.remove("out.safetensors")
        let converted = (try? CheckpointConversion.convert(from: path, to: out)) != nil
        if all { FuzzCheck.require(converted, "a file whose tensors decode does not convert to safetensors") }
        if converted, let file = try? SafetensorsFile(path: out) {
            for entry in file.tensors {
                FuzzCheck.require(decoded[entry.name].map { $0 == Array(file.bytes(of: entry)) } ?? false,
                                  "tensor '\(entry.name)' is converted to other bytes than it decodes to")
            }
        } else if converted {
            FuzzCheck.fail("the safetensors file written from a .zckpt does not open")
        }
    }
}
