import ArgumentParser
import ZooFormat
import ZooModel
import ZooRegistry

/// Where `slice` and `graft` put their result (`--as NAME[:TAG]` in the store, or `-o FILE`),
/// and `--json`; shared by both commands.
struct SurgeryOptions: ParsableArguments {
    @Option(name: .customLong("as"), help: ArgumentHelp(
        "Store the result as a new version of NAME (tagged TAG if given).", valueName: "name[:tag]"))
    var saveAs: String?

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp(
        "Write the result to a .zckpt or .safetensors file instead.", valueName: "file"))
    var output: String?

    @Flag(help: "Print the result as JSON.")
    var json = false

    /// Checks that exactly one destination is given (none when `required` is false) and that it is usable.
    /// `reference` is the command's REF, to refuse `--as` for a file.
    func check(required: Bool, reference: String? = nil) throws {
        if saveAs != nil && output != nil { throw ValidationError("give either --as NAME[:TAG] or -o FILE, not both") }
        if required && saveAs == nil && output == nil {
            throw ValidationError("say where the result goes: --as NAME[:TAG] (a new version in the store) or -o FILE (.zckpt or .safetensors)")
        }
        if let saveAs {
            let ref = try StoreText.reference(saveAs)
            switch ref.selector {
            case .latest, .tag: break
            default: throw ValidationError("--as '\(saveAs)' must be NAME or NAME:TAG (versions are numbered by the store)")
            }
        }
        if saveAs != nil, let reference, SurgerySource.isFile(reference) {
            throw ValidationError("--as stores the result next to its parent, but \(reference) is a file: import it first (`zoo import \(reference) NAME`), or write a file with -o")
        }
        if let output, CheckpointFileFormat(path: output) == nil {
            throw ValidationError("cannot tell the format of '\(output)': name it .zckpt or .safetensors")
        }
    }

    /// `(name, tag)` of `--as`, when given.
    var storeTarget: (name: String, tag: String?)? {
        guard let saveAs, let ref = try? ModelReference(parsing: saveAs) else { return nil }
        if case .tag(let t) = ref.selector { return (ref.name, t) }
        return (ref.name, nil)
    }

    /// Commits `derived` to the store or writes it to the file; returns a JSON summary of where it went.
    func write(_ derived: DerivedModel, from source: SurgerySource,
               codec: Codec, level: Int) throws -> (summary: String, json: [String: JSONValue]) {
        let zoo = source.store
        let parent = (manifest: source.manifest, config: source.config)
        if let target = storeTarget {
            let r = try zoo.commitDerived(derived, parent: parent.manifest, config: parent.config,
                                          name: target.name, tag: target.tag, codec: codec, level: level)
            let v = r.version
            let text = "\(v.reference)\(v.tags.isEmpty ? "" : " (" + v.tags.joined(separator: ", ") + ")") \(v.digest.short): "
                + "\(Output.count(v.parameters)) parameters, \(v.tensorCount) tensors, \(Output.bytes(v.storedBytes)) stored; "
                + "\(Output.bytes(r.newBlobBytes)) new in the store, \(Output.bytes(r.reusedBlobBytes)) shared with the parent"
            return (text, [
                "version": .string(v.reference), "digest": .string(v.digest.description),
                "new_blob_bytes": .number(Double(r.newBlobBytes)), "reused_blob_bytes": .number(Double(r.reusedBlobBytes)),
                "tensors": .number(Double(v.tensorCount)), "parameters": .number(Double(v.parameters)),
            ])
        }
        guard let output, let format = CheckpointFileFormat(path: output) else {
            throw ValidationError("say where the result goes: --as NAME[:TAG] or -o FILE")
        }
        try zoo.writeDerived(derived, parent: parent.manifest, config: parent.config, to: output, format: format,
                             codec: codec, level: level)
        let count = derived.keptTensors.count + derived.newTensors.count
        return ("\(output) (\(format.rawValue), \(count) tensors)",
                ["file": .string(output), "format": .string(format.rawValue), "tensors": .number(Double(count))])
    }
}

/// Text helpers for the surgery reports.
enum SurgeryText {
    /// Runs a command's body, turning a store, model or format error into `error: <message>` on
    /// stderr and exit status 1, as the store and file commands do.
    static func reporting(_ body: () throws -> Void) throws {
        do { try body() } catch let error as StoreError {
            Output.warn("error: \(error.message)")
            throw ExitCode(Output.dataErrorCode)
        } catch let error as ModelError {
            Output.warn("error: \(error.message)")
            throw ExitCode(Output.dataErrorCode)
        } catch let error as FormatError {
            Output.warn("error: \(error.message)")
            throw ExitCode(Output.dataErrorCode)
        }
    }

    /// `a, b, c` or `a, b, ..., y, z (26)` for long lists.
    static func names(_ list: [String], limit: Int = 8) -> String {
        if list.isEmpty { return "(none)" }
        if list.count <= limit { return list.joined(separator: ", ") }
        return list.prefix(limit / 2).joined(separator: ", ") + ", ..., " + list.suffix(2).joined(separator: ", ")
    }

    /// A list of strings as JSON.
    static func array(_ list: [String]) -> JSONValue { .array(list.map { .string($0) }) }

    /// Metadata updates as JSON objects `{key, old, new}`.
    static func updates(_ list: [MetadataUpdate]) -> JSONValue {
        .array(list.map { u in .object(["key": .string(u.key), "old": u.old ?? .null, "new": u.new ?? .null]) })
    }
}
