import ArgumentParser
import Foundation
import ZooDistribution
#if canImport(Glibc)
import Glibc
#endif

/// `zoo login REGISTRY`: checks credentials with the registry and saves them where Docker and
/// Podman keep theirs.
struct LoginCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "login",
        abstract: "Save credentials for an OCI registry (checked with the registry first).",
        discussion: """
        The credentials are checked (a token is fetched, or /v2/ is asked with them) and saved in \
        $REGISTRY_AUTH_FILE when set, else in $DOCKER_CONFIG/config.json (~/.docker/config.json): \
        through the credential helper that file names for the registry (credHelpers, credsStore), \
        else base64-encoded under auths, as `docker login` does. So docker, podman and skopeo \
        logins work for zoo, and zoo's for them.

        Examples:
          printf '%s' "$TOKEN" | zoo login registry.example.com --username ci --password-stdin
          zoo login 127.0.0.1:5443 --username alice --ca-file ca.pem    (asks for the password)

        \(RegistryText.exitCodeHelp)
        """)

    @Argument(help: ArgumentHelp("The registry: host[:port].", valueName: "registry"))
    var registry: String

    @Option(name: [.short, .long], help: "The user name (asked for on a terminal when absent).")
    var username: String?

    @Flag(help: "Read the password from standard input (it never appears in the process list).")
    var passwordStdin = false

    @OptionGroup var flags: RegistryFlags

    func validate() throws {
        do { try RegistryReference.validateRegistry(registry) } catch { throw ValidationError(error.message) }
        if username == nil && isatty(STDIN_FILENO) != 1 {
            throw ValidationError("give the user name with --username (standard input is not a terminal to ask on)")
        }
        if !passwordStdin && isatty(STDIN_FILENO) != 1 {
            throw ValidationError("pass --password-stdin and the password on standard input (it is not a terminal to ask on)")
        }
    }

    func run() async throws {
        try await RegistryText.reporting {
            let user = try username ?? LoginCommand.ask("Username: ")
            let password = passwordStdin ? LoginCommand.readStandardInput() : try LoginCommand.askSecret("Password: ")
            guard !user.isEmpty else { throw DistributionError(.usage, "the user name is empty") }
            guard !password.isEmpty else { throw DistributionError(.usage, "the password is empty") }
            var options = flags.options
            let credentials = RegistryCredentials(username: user, password: password)
            options.credentials = credentials
            let client = try RegistryClient(registry: registry, options: options)
            let needed: Bool
            do {
                needed = try await client.checkLogin()
                await client.shutdown()
            } catch {
                await client.shutdown()
                throw error
            }
            let place = try options.credentialStore.save(credentials, for: registry)
            print(needed ? "Login to \(registry) succeeded; credentials saved in \(place)"
                         : "\(registry) takes requests without credentials; saved them anyway in \(place)")
        }
    }

    /// Standard input without its final line break.
    static func readStandardInput() -> String {
        let data = FileHandle.standardInput.readDataToEndOfFile()
        var text = String(decoding: data, as: UTF8.self)
        while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
        return text
    }

    static func ask(_ prompt: String) throws -> String {
        FileHandle.standardError.write(Data(prompt.utf8))
        guard let line = readLine() else { throw DistributionError(.usage, "no user name given") }
        return line
    }

    /// Reads a line from the terminal with echo off.
    static func askSecret(_ prompt: String) throws -> String {
        FileHandle.standardError.write(Data(prompt.utf8))
        var old = termios()
        let haveTerminal = tcgetattr(STDIN_FILENO, &old) == 0
        if haveTerminal {
            var quiet = old
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet)
        }
        let line = readLine()
        if haveTerminal {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &old)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        guard let line else { throw DistributionError(.usage, "no password given") }
        return line
    }
}
