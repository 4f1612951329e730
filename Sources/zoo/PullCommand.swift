import ArgumentParser
import ZooDistribution
import ZooFormat
import ZooRegistry

/// `zoo pull REGISTRY/REPO[:TAG|@sha256:…] [--as NAME[:TAG]]`: takes a model from an OCI registry.
struct PullCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Pull a model from an OCI registry into the store.",
        discussion: """
        A zoo model arrives as it was pushed: the same manifest digest, as a new version of NAME \
        (default: the repository's last path component, so host/team/minilm:v1 gives minilm:N). \
        Its lineage parents come along when the registry has their manifests and the store does \
        not (as earlier versions of NAME), so `zoo lineage` keeps working. A plain artifact whose \
        layer is a .safetensors file (as ORAS or a ModelPack tool pushes one) is imported as a new \
        version, encoded with --codec.

        Only blobs the store lacks are downloaded, in parallel; each is checked (size and SHA-256) \
        before it enters the store, and content that fails is refused. An interrupted pull leaves \
        a store that verifies: run it again and it continues, including a half-downloaded blob \
        (a range request). Pulling a version the store has under NAME already adds nothing.

        Examples:
          zoo pull 127.0.0.1:5000/team/minilm:v1 --plain-http
          zoo pull registry.example.com/vision/digits59:prod --as digits59:prod
          zoo pull ghcr.io/acme/encoder@sha256:3f2a… --as encoder

        \(RegistryText.exitCodeHelp)
        """)

    @Argument(help: ArgumentHelp("What to pull: the registry, the repository, and a tag or digest.", valueName: "registry/repo[:tag|@sha256:hex]"))
    var source: String

    @Option(name: .customLong("as"), help: ArgumentHelp("Name (and tag) of the version in the store.", valueName: "name[:tag]"))
    var name: String?

    @Flag(help: "Do not bring the manifests of the version's lineage parents.")
    var withoutLineage = false

    @Option(help: "Codec for a plain safetensors artifact: raw, deflate or planes.")
    var codec: String = "planes"

    @Option(help: "Compression level for a plain safetensors artifact, 1 (fast) to 9 (small).")
    var level: Int = 6

    @Flag(help: "Print the result as JSON.")
    var json = false

    @OptionGroup var registry: RegistryFlags
    @OptionGroup var transfer: TransferFlags
    @OptionGroup var store: StoreOptions

    func validate() throws {
        let ref = try RegistryText.reference(source)
        if let name {
            let local = try StoreText.reference(name)
            switch local.selector {
            case .latest, .tag: break
            default: throw ValidationError("--as '\(name)' must be NAME or NAME:TAG (versions are numbered by the store)")
            }
        } else {
            do { try ModelReference.validateName(ref.lastComponent) } catch {
                throw ValidationError("\(error.message); name the version with --as NAME[:TAG]")
            }
        }
        guard Codec(rawValue: codec) != nil else { throw ValidationError("--codec must be raw, deflate or planes, not '\(codec)'") }
        guard (1...9).contains(level) else { throw ValidationError("--level must be 1 to 9") }
        try transfer.check()
    }

    func run() async throws {
        try await RegistryText.reporting {
            let ref = try RegistryReference(parsing: source)
            var localName: String?
            var tag: String?
            if let name {
                let local = try ModelReference(parsing: name)
                localName = local.name
                if case .tag(let t) = local.selector { tag = t }
            }
            let zoo = try store.open(forWriting: true)
            var options = registry.options
            transfer.apply(to: &options)
            let report = try await RegistryText.transfer(registry: ref.registry, options: options, label: "pull") { client, progress in
                try await Puller(store: zoo, client: client).pull(ref, as: localName, tag: tag, lineage: !withoutLineage,
                                                                  codec: Codec(rawValue: codec) ?? .planes, level: level, progress: progress)
            }
            if json { try Output.printJSON(report); return }
            let v = report.version
            var line = report.imported.map { "Imported \($0) from \(report.source) as \(v.reference) \(v.digest.short)" }
                ?? "Pulled \(report.source) as \(v.reference) \(v.digest.short)\(report.isNew ? "" : " (already in the store)")"
            line += ": \(report.fetchedBlobs) of \(report.blobs) blobs fetched (\(Output.bytes(UInt64(report.fetchedBytes)))"
            if report.resumedBytes > 0 { line += ", \(Output.bytes(UInt64(report.resumedBytes))) kept from an interrupted pull" }
            line += ")"
            if !report.parents.isEmpty { line += "; lineage parents added: " + report.parents.map(\.reference).joined(separator: ", ") }
            print(line + " in " + RegistryText.seconds(report.seconds))
        }
    }
}
