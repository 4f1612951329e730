/// Where the store is (formats/store.md, "Location"): `--zoo PATH`, else `$ZOO_PATH`, else `./zoo`
/// when it is a store, else `~/.local/share/zoo`, the only one created on first write.
public struct StoreLocation: Sendable, Equatable {
    /// Which rule chose the path.
    public enum Source: String, Sendable, Equatable {
        /// `--zoo`, `$ZOO_PATH`, `./zoo`, or the per-user default.
        case option, environment, workingDirectory, home
    }

    /// The store directory.
    public var path: String
    /// The rule that chose it.
    public var source: Source

    /// Whether a write may create the store when it does not exist. Explicit paths must be made
    /// with `zoo init` first, so a mistyped `--zoo` never silently starts an empty store.
    public var createsOnWrite: Bool { source == .home }

    /// A location from its parts.
    public init(path: String, source: Source) {
        self.path = path
        self.source = source
    }

    /// Applies the rules to the given option, environment and working directory.
    public static func find(option: String?, environment: [String: String], currentDirectory: String) -> StoreLocation {
        if let option, !option.isEmpty { return StoreLocation(path: option, source: .option) }
        if let env = environment["ZOO_PATH"], !env.isEmpty { return StoreLocation(path: env, source: .environment) }
        let local = currentDirectory + "/zoo"
        if Store.isStore(at: local) { return StoreLocation(path: local, source: .workingDirectory) }
        let base: String
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") {
            base = data
        } else {
            base = (environment["HOME"] ?? "") + "/.local/share"
        }
        return StoreLocation(path: base + "/zoo", source: .home)
    }
}
