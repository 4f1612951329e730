import ArgumentParser
import ZooDistribution

/// `zoo logout REGISTRY`: forgets the saved credentials for a registry.
struct LogoutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logout",
        abstract: "Forget the saved credentials for an OCI registry.",
        discussion: """
        Removes the registry's entry from the credentials file `zoo login` writes (and from its \
        credential helper, when one is configured). Saying so is not an error when there was none.

        Example:
          zoo logout 127.0.0.1:5443

        \(RegistryText.exitCodeHelp)
        """)

    @Argument(help: ArgumentHelp("The registry: host[:port].", valueName: "registry"))
    var registry: String

    func validate() throws {
        do { try RegistryReference.validateRegistry(registry) } catch { throw ValidationError(error.message) }
    }

    func run() throws {
        let store = CredentialStore.locate()
        do {
            if try store.remove(for: registry) {
                print("Removed the credentials for \(registry) from \(store.path)")
            } else {
                print("Not logged in to \(registry) (\(store.path) has no credentials for it)")
            }
        } catch {
            Output.warn("error: \(error.message)")
            throw ExitCode(RegistryText.exitCode(error.kind))
        }
    }
}
