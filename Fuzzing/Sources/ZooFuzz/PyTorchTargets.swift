import ZooFormat

/// PyTorch checkpoints: the restricted unpickler, the zip and legacy containers, storages and views.
enum PyTorchTargets {
    /// Input: a `torch.save` file (zip CRCs fixed up, `ZipFixup`). One that opens must hand out
    /// every tensor's bytes (or throw), each exactly its size; converting it to safetensors must
    /// give those bytes back.
    static func checkpoint(_ input: [UInt8]) {
        let path = Scratch.write("in.pt", ZipFixup.fix(input))
        guard let file = try? PyTorchCheckpointFile(path: path) else { return }
        var contents: [String: [UInt8]] = [:]
        var all = true
        for (i, tensor) in file.checkpoint.tensors.enumerated() {
            guard let bytes = try? file.bytes(of: i) else { all = false; continue }
            FuzzCheck.require(bytes.count == tensor.byteCount, "tensor '\(tensor.name)' has \(bytes.count) bytes, not \(tensor.byteCount)")
            contents[tensor.name] = bytes.array
        }
        guard all else { return }
        let out = Scratch.path("out.safetensors")
        Scratch.remove("out.safetensors")
        do { try CheckpointConversion.convert(from: path, to: out) } catch {
            // Names or shapes safetensors cannot hold are refused; a file that reads must convert otherwise.
            FuzzCheck.require(error.kind == .limitExceeded || error.kind == .malformed || error.kind == .invalidArgument,
                              "a checkpoint whose tensors read does not convert: \(error)")
            return
        }
        guard let converted = try? SafetensorsFile(path: out) else { FuzzCheck.fail("the converted checkpoint does not open") }
        for entry in converted.tensors {
            FuzzCheck.require(contents[entry.name] == Array(converted.bytes(of: entry)), "tensor '\(entry.name)' converts to other bytes")
        }
    }
}
