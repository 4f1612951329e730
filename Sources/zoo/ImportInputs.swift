import Foundation
import ZooFormat
import ZooModel
import ZooRegistry

/// Reads the optional inputs of `zoo import`: a description file and a Hugging Face config.
enum ImportInputs {
    /// The description in `path`, or an error saying what is wrong with it.
    static func description(at path: String) throws(StoreError) -> ModelDescription {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StoreError(.invalidArgument, "cannot read the description \(path); check the path")
        }
        do { return try ModelDescription(json: data) } catch {
            throw StoreError(.invalidArgument, "\(path) is not a valid model description: \(error.message); see formats/model-description.md")
        }
    }

    /// The config given explicitly, else `config.json` beside `file` when there is one.
    static func hfConfig(explicit: String?, besides file: String) throws(StoreError) -> JSONValue? {
        let path: String
        if let explicit {
            path = explicit
        } else {
            let beside = URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("config.json").path
            guard FileManager.default.fileExists(atPath: beside) else { return nil }
            path = beside
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StoreError(.invalidArgument, "cannot read the config \(path); check the path")
        }
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: data), value.objectValue != nil else {
            throw StoreError(.invalidArgument, "\(path) is not a JSON object; a Hugging Face config.json is expected")
        }
        return value
    }
}
