import ArgumentParser
import Foundation
import ZooRegistry

/// The `--zoo PATH` option shared by the store commands, and the rules that find the store
/// when it is absent (formats/store.md, "Location").
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("zoo"), help: ArgumentHelp(
        "The store's directory.",
        discussion: "Default: $ZOO_PATH, else ./zoo when it is a store, else ~/.local/share/zoo.",
        valueName: "path"))
    var zoo: String?

    /// Where the store is, by the rules.
    var location: StoreLocation {
        StoreLocation.find(option: zoo, environment: ProcessInfo.processInfo.environment,
                           currentDirectory: FileManager.default.currentDirectoryPath)
    }

    /// Opens the store; a write may create the default store on first use.
    func open(forWriting: Bool = false) throws -> Store {
        try Store.open(location, forWriting: forWriting)
    }
}

/// Small helpers for the store commands: reference checks, failures, table text.
enum StoreText {
    /// Parses a reference in `validate()`: a malformed one is a usage error (exit status 64).
    @discardableResult
    static func reference(_ text: String) throws -> ModelReference {
        do { return try ModelReference(parsing: text) } catch { throw ValidationError(error.message) }
    }

    /// Runs a command's body, turning a `StoreError` into `error: <message>` on stderr and exit
    /// status 1, as the file commands do.
    static func reporting(_ body: () throws -> Void) throws {
        do { try body() } catch let error as StoreError {
            Output.warn("error: \(error.message)")
            throw ExitCode(Output.dataErrorCode)
        }
    }

    /// `2026-11-29T01:02:03Z` -> `2026-11-29 01:02`.
    static func time(_ iso: String) -> String {
        guard iso.count >= 16 else { return iso }
        return iso.prefix(10) + " " + iso.dropFirst(11).prefix(5)
    }

    /// A parent as people read it: `name:N` when the store still has it, else a short digest.
    static func parent(_ digest: Digest?, among versions: [ModelVersion]) -> String {
        parent(digest, references: references(of: versions))
    }

    /// Manifest digest -> `name:N`, to name many parents without a search each.
    static func references(of versions: [ModelVersion]) -> [Digest: String] {
        Dictionary(versions.map { ($0.digest, $0.reference) }, uniquingKeysWith: { first, _ in first })
    }

    /// A parent named through a prepared `references` map.
    static func parent(_ digest: Digest?, references: [Digest: String]) -> String {
        guard let digest else { return "-" }
        return references[digest] ?? digest.short
    }
}
