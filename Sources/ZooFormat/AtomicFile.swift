#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The last step of writing a file that appears whole or not at all: the data was written to a
/// temporary file beside the target; rename it over the target and fsync the folder.
enum AtomicFile {
    /// A hidden name in the target's folder (rename is atomic only within one file system).
    static func temporaryPath(for path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return "\(folder).\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Renames the (already fsynced and closed) temporary file onto `finalPath`, then fsyncs the
    /// folder so the rename itself survives a crash.
    static func commit(temporaryPath: String, finalPath: String) throws(FormatError) {
        guard rename(temporaryPath, finalPath) == 0 else {
            let error = FileDescriptor.error("rename \(temporaryPath) to", finalPath)
            unlink(temporaryPath)
            throw error
        }
        let slash = finalPath.lastIndex(of: "/")
        let folder = slash.map { String(finalPath[...$0]) } ?? "."
        let dirfd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd >= 0 { _ = fsync(dirfd); close(dirfd) }
    }
}
