import ArgumentParser
import Foundation
import ZooFormat

/// Tells a file argument from a store reference for commands that take either (`inspect`, `verify`):
/// a path that exists, contains `/`, or ends in a checkpoint extension is a file; anything else is a
/// reference. A file must be a .zckpt or .safetensors file.
enum TargetArgument {
    case file(String)
    case reference(String)

    init(_ text: String) {
        let looksLikePath = text.contains("/") || FileManager.default.fileExists(atPath: text)
        self = looksLikePath || CheckpointFileFormat(path: text) != nil ? .file(text) : .reference(text)
    }

    /// Usage checks for `validate()`: a file needs a known extension; a reference must parse.
    func validate() throws {
        switch self {
        case .file(let path):
            guard CheckpointFileFormat(path: path) != nil else {
                throw ValidationError("'\(path)' must end in .zckpt or .safetensors (the extension tells zoo how to read it)")
            }
        case .reference(let text):
            try StoreText.reference(text)
        }
    }
}
