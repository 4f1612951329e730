import Foundation

/// Runs the built `zoo` binary, as a person or script would.
struct ZooRunner {
    /// What one run did.
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The `zoo` next to the test bundle (the package's products folder), else `.build/debug/zoo`
    /// under the package root found from this file's path.
    static let binary: String = {
        var candidates: [String] = []
        for url in [Bundle.main.bundleURL, Bundle.main.executableURL].compactMap({ $0 }) {
            var folder = url.deletingLastPathComponent()
            for _ in 0..<4 {
                candidates.append(folder.appendingPathComponent("zoo").path)
                folder = folder.deletingLastPathComponent()
            }
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/zoo").path)
        return candidates.first { path in
            var isFolder: ObjCBool = false
            return FileManager.default.isExecutableFile(atPath: path)
                && FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && !isFolder.boolValue
        } ?? candidates.last ?? "zoo"
    }()

    /// Runs `zoo` with `arguments` and waits for it.
    static func run(_ arguments: String...) throws -> Result {
        try run(arguments: arguments)
    }

    /// Runs `zoo` with an argument array and waits for it.
    static func run(arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting so a large output cannot fill the pipe and stall the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus,
                      stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }
}
