import Foundation

/// A Docker credential helper, `docker-credential-<name>` on `PATH` (`get`, `store`, `erase`,
/// with the server URL or a JSON record on stdin and JSON on stdout), as `config.json` names it in
/// `credHelpers` or `credsStore`.
struct CredentialHelper {
    /// The part after `docker-credential-`.
    let name: String

    private struct Record: Codable {
        var ServerURL: String?
        var Username: String
        var Secret: String
    }

    var program: String { "docker-credential-" + name }

    /// The stored credentials, nil when the helper has none for `serverURL`.
    func get(serverURL: String) throws(DistributionError) -> RegistryCredentials? {
        let (status, out, err) = try run("get", input: Array(serverURL.utf8))
        guard status == 0 else {
            let text = String(decoding: out + err, as: UTF8.self)
            if text.lowercased().contains("not found") { return nil }
            throw DistributionError(.credentials, "\(program) get failed (status \(status)): \(text.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        guard let record = try? JSONDecoder().decode(Record.self, from: Data(out)) else {
            throw DistributionError(.credentials, "\(program) get printed something that is not a credentials record")
        }
        return RegistryCredentials(username: record.Username, password: record.Secret)
    }

    func store(serverURL: String, credentials: RegistryCredentials) throws(DistributionError) {
        let record = Record(ServerURL: serverURL, Username: credentials.username, Secret: credentials.password)
        let input: [UInt8]
        do { input = Array(try JSONEncoder().encode(record)) } catch {
            throw DistributionError(.credentials, "cannot encode credentials for \(program): \(error)")
        }
        let (status, out, err) = try run("store", input: input)
        guard status == 0 else {
            throw DistributionError(.credentials, "\(program) store failed (status \(status)): \(String(decoding: out + err, as: UTF8.self))")
        }
    }

    func erase(serverURL: String) throws(DistributionError) -> Bool {
        let (status, out, err) = try run("erase", input: Array(serverURL.utf8))
        if status == 0 { return true }
        let text = String(decoding: out + err, as: UTF8.self)
        if text.lowercased().contains("not found") { return false }
        throw DistributionError(.credentials, "\(program) erase failed (status \(status)): \(text)")
    }

    private func run(_ verb: String, input: [UInt8]) throws(DistributionError) -> (Int32, [UInt8], [UInt8]) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program, verb]
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        do { try process.run() } catch {
            throw DistributionError(.credentials, "cannot run \(program) (named in the credentials file): \(error.localizedDescription)")
        }
        // The helper may exit without reading (a `get` that finds nothing): a failed write is not an error.
        signal(SIGPIPE, SIG_IGN)
        try? stdin.fileHandleForWriting.write(contentsOf: Data(input))
        try? stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus == 127 {
            throw DistributionError(.credentials, "\(program), which the credentials file names, is not on PATH; install it or remove it from the file")
        }
        return (process.terminationStatus, [UInt8](out), [UInt8](err))
    }
}
