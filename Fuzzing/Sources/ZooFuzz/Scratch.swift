#if canImport(Glibc)
import Glibc
#endif

/// Files the file-reading targets write each input to: in `/dev/shm` when there is one (memory,
/// no disk traffic per input), else `/tmp`; one folder per process, removed at exit.
enum Scratch {
    nonisolated(unsafe) private(set) static var folder = "/tmp"

    static func prepare(_ target: String) {
        var st = stat()
        let base = stat("/dev/shm", &st) == 0 ? "/dev/shm" : "/tmp"
        folder = "\(base)/zoo-fuzz-\(target)-\(getpid())"
        mkdir(folder, 0o700)
        atexit { Scratch.removeAll() }
    }

    /// `name` inside the scratch folder.
    static func path(_ name: String) -> String { "\(folder)/\(name)" }

    /// Writes `bytes` to `name` (replacing it) and returns its path.
    static func write(_ name: String, _ bytes: [UInt8]) -> String {
        let p = path(name)
        let fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        FuzzCheck.require(fd >= 0, "cannot create scratch file \(p)")
        var done = 0
        bytes.withUnsafeBytes { raw in
            while done < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + done, raw.count - done)
                if n <= 0 { break }
                done += n
            }
        }
        close(fd)
        FuzzCheck.require(done == bytes.count, "cannot write scratch file \(p)")
        return p
    }

    /// Removes `name` if it exists.
    static func remove(_ name: String) { unlink(path(name)) }

    /// The content of `name`, nil when it does not exist.
    static func read(_ name: String) -> [UInt8]? {
        let fd = open(path(name), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            out += buffer[..<n]
        }
        return out
    }

    static func removeAll() {
        guard let dir = opendir(folder) else { return }
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != "." && name != ".." { unlink("\(folder)/\(name)") }
        }
        closedir(dir)
        rmdir(folder)
    }
}
