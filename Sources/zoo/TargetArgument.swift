import ArgumentParser
import Foundation
import ZooFormat

/// Tells a file argument from a store reference for commands that take either (`inspect`, `verify`):
/// a path that exists, contains `/`, or ends in a checkpoint extension is a file; anything else is a
/// reference. A file must be a .zckpt file or one `TensorSource` reads (safetensors, a PyTorch
/// checkpoint, a shard index).
enum TargetArgument {
    case file(String)
    case reference(String)

    init(_ text: String) {
        let looksLikePath = text.contains("/") || FileManager.default.fileExists(atPath: text)
        self = looksLikePath || CheckpointFileFormat(path: text) != nil || TensorSource.looksReadable(text) ? .file(text) : .reference(text)
    }

    /// Usage checks for `validate()`: a file needs a known extension (`anyContent`: or any file that
    /// exists, told by its content); a reference must parse.
    func validate(anyContent: Bool = false) throws {
        switch self {
        case .file(let path):
            if anyContent {
                guard CheckpointFileFormat(path: path) != nil || TensorSource.looksReadable(path)
                        || FileManager.default.fileExists(atPath: path) else {
                    throw ValidationError("'\(path)' does not exist and is not named like a checkpoint (.zckpt, .safetensors, .pt, .pth, .bin, .ckpt, *.index.json)")
                }
                return
            }
            guard CheckpointFileFormat(path: path) != nil else {
                throw ValidationError("'\(path)' must end in .zckpt or .safetensors (the extension tells zoo how to read it)")
            }
        case .reference(let text):
            try StoreText.reference(text)
        }
    }
}
