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

/// Small formatting helpers for store tables.
enum StoreText {
    /// `2026-11-29T01:02:03Z` -> `2026-11-29 01:02`.
    static func time(_ iso: String) -> String {
        guard iso.count >= 16 else { return iso }
        return iso.prefix(10) + " " + iso.dropFirst(11).prefix(5)
    }

    /// A parent as people read it: `name:N` when the store still has it, else a short digest.
    static func parent(_ digest: Digest?, among versions: [ModelVersion]) -> String {
        guard let digest else { return "-" }
        return versions.first { $0.digest == digest }?.reference ?? digest.short
    }
}
