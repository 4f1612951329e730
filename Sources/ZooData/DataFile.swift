import Foundation

/// Reading whole data files with a size cap, and their digests.
public enum DataFile {
    /// The bytes of the file at `path`; a file over `maxBytes`, a folder or an unreadable path is an
    /// `io` or `limitExceeded` error naming it. `what` names the kind of file in messages.
    public static func read(_ path: String, maxBytes: Int, what: String = "data") throws(DataError) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
                throw DataError(.io, isFolder.boolValue ? "'\(path)' is a folder, not a \(what) file" : "cannot open \(what) file '\(path)'; check its permissions")
            }
            throw DataError(.io, "\(what) file '\(path)' does not exist; check the path")
        }
        defer { try? handle.close() }
        let size: UInt64
        do { size = try handle.seekToEnd(); try handle.seek(toOffset: 0) } catch {
            throw DataError(.io, "cannot read \(what) file '\(path)': \(error.localizedDescription)")
        }
        guard size <= UInt64(maxBytes) else {
            throw DataError(.limitExceeded, "\(what) file '\(path)' has \(size) bytes, more than the limit of \(maxBytes)")
        }
        do {
            return [UInt8](try handle.readToEnd() ?? Data())
        } catch {
            throw DataError(.io, "cannot read \(what) file '\(path)': \(error.localizedDescription)")
        }
    }
}
