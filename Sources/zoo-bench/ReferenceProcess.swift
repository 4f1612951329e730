import Foundation

/// Runs a reference implementation (numpy, PyTorch) as a child process and returns its standard
/// output, or nil when it cannot start. `environment` entries set (or, with nil, unset) variables
/// such as thread counts; standard error is discarded (the reference's own warnings).
func referenceOutput(_ executable: String, _ arguments: [String], environment: [String: String?] = [:]) -> String? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return nil }
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: output, as: UTF8.self)
}
