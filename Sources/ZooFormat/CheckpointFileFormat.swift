/// The two file formats zoo reads and writes, told apart by the file name's extension.
public enum CheckpointFileFormat: String, Sendable, CaseIterable {
    /// Hugging Face's safetensors: a JSON header, then raw little-endian tensor bytes.
    case safetensors
    /// zoo's compressed, checksummed checkpoint (formats/zckpt-v1.md).
    case zckpt

    /// The extension, without the dot.
    public var fileExtension: String { rawValue }

    /// The format named by `path`'s extension (case-insensitive), or nil for any other extension.
    public init?(path: String) {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        let ext = name[name.index(after: dot)...].lowercased()
        guard let format = CheckpointFileFormat(rawValue: ext) else { return nil }
        self = format
    }

    /// The format of `path`, or an error that lists the extensions zoo understands.
    public static func of(_ path: String) throws(FormatError) -> CheckpointFileFormat {
        guard let format = CheckpointFileFormat(path: path) else {
            throw FormatError(.invalidArgument, "cannot tell the format of '\(path)': its name must end in .safetensors or .zckpt")
        }
        return format
    }
}
