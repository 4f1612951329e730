import ArgumentParser
import Foundation
import Synchronization
import ZooDistribution
import ZooRegistry

/// Failure reporting and progress for the registry commands.
enum RegistryText {
    /// Exit status when the registry cannot be reached or the connection broke (sysexits' EX_TEMPFAIL:
    /// running the command again may succeed, and a pull continues where it stopped).
    static let networkFailureCode: Int32 = 75
    /// Exit status when the registry refused the credentials or wants some (sysexits' EX_NOPERM).
    static let authFailureCode: Int32 = 77

    /// The exit-status paragraph of the registry commands' `--help`.
    static let exitCodeHelp = """
    Exit status: 0 on success; 1 when content fails a check (a blob or manifest with the wrong \
    digest, a damaged store), the registry has no such model or refuses a request, or TLS fails; \
    64 when the command line is wrong; 75 when the registry cannot be reached or the connection \
    broke (run the command again: blobs already moved are not moved again, and a pull continues an \
    interrupted blob); 77 when the registry refused the credentials or wants some (`zoo login REGISTRY`).
    """

    /// The status for a failure of `kind`.
    static func exitCode(_ kind: DistributionError.Kind) -> Int32 {
        switch kind {
        case .usage: return ExitCode.validationFailure.rawValue
        case .auth: return authFailureCode
        case .network: return networkFailureCode
        default: return Output.dataErrorCode
        }
    }

    /// Runs a registry command's body: a `DistributionError` or `StoreError` becomes
    /// `error: <message>` on stderr and its exit status.
    static func reporting(_ body: () async throws -> Void) async throws {
        do { try await body() } catch let error as DistributionError {
            Output.warn("error: \(error.message)")
            throw ExitCode(exitCode(error.kind))
        } catch let error as StoreError {
            Output.warn("error: \(error.message)")
            throw ExitCode(error.kind == .badReference ? ExitCode.validationFailure.rawValue : Output.dataErrorCode)
        }
    }

    /// Parses a registry reference in `validate()`: a malformed one is a usage error.
    @discardableResult
    static func reference(_ text: String) throws -> RegistryReference {
        do { return try RegistryReference(parsing: text) } catch { throw ValidationError(error.message) }
    }

    /// Runs a push or pull with a client for `registry` and a progress bar labelled `label`;
    /// the bar is cleared and the connections closed whether it succeeds or not.
    static func transfer<T>(registry: String, options: RegistryOptions, label: String,
                            _ body: (RegistryClient, @escaping TransferProgress) async throws -> T) async throws -> T {
        let client = try RegistryClient(registry: registry, options: options)
        let bar = TransferBar(label)
        do {
            let result = try await body(client, bar.handler)
            bar.finish()
            await client.shutdown()
            return result
        } catch {
            bar.finish()
            await client.shutdown()
            throw error
        }
    }

    /// Seconds as people read them.
    static func seconds(_ s: Double) -> String { String(format: s < 10 ? "%.2f s" : "%.1f s", s) }
}

/// A progress bar fed by transfer events from parallel transfers (drawn only on a terminal).
final class TransferBar: Sendable {
    private struct State {
        var bar: Progress?
        var done: Int64 = 0
    }
    private let label: String
    private let state = Mutex(State())

    init(_ label: String) { self.label = label }

    /// The handler to give a push or pull.
    var handler: TransferProgress {
        { [self] event in self.take(event) }
    }

    private func take(_ event: TransferEvent) {
        state.withLock { s in
            switch event {
            case .planned(_, let bytes):
                s.bar = Progress(label, total: UInt64(max(0, bytes)))
            case .moved(let n):
                s.done = max(0, s.done + n)
                s.bar?.advance(to: UInt64(s.done))
            }
        }
    }

    /// Clears the bar.
    func finish() {
        state.withLock { $0.bar?.finish() }
    }
}
