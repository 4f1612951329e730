import ArgumentParser
import ZooFormat

extension Output {
    /// Exit status for bad data or a failed operation (corrupt file, missing file, I/O error).
    static let dataErrorCode: Int32 = 1

    /// The exit-code paragraph every command's `--help` shows.
    static let exitCodeHelp = """
    Exit status: 0 on success; 1 when a file is missing, unreadable, corrupt or fails a check; \
    64 when the command line is wrong (unknown option, bad value, wrong file extension).
    """

    /// Runs `body`, turning a `FormatError` into `error: <message>` on stderr and exit status 1.
    static func reportingFailures(_ body: () throws(FormatError) -> Void) throws {
        do {
            try body()
        } catch {
            warn("error: \(error.message)")
            throw ExitCode(dataErrorCode)
        }
    }
}
