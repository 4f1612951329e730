import ArgumentParser
import ZooDistribution
import ZooRegistry

/// `zoo push REF REGISTRY/REPO[:TAG]`: sends a stored version to an OCI registry.
struct PushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Push a stored version to an OCI registry.",
        discussion: """
        The version goes up as an ordinary OCI artifact (formats/store.md, "Registries"): its \
        manifest, with the same digest as in the store, under TAG (default: latest); its config and \
        tensor blobs; and the manifests of its lineage parents the store holds (by digest), so a \
        pull keeps `zoo lineage` working. Each blob is checked with HEAD first and sent only when \
        the repository lacks it; one the registry holds in another repository (pushed or pulled \
        there before) is mounted instead of sent. Blobs move in parallel (--jobs); one larger than \
        --chunk-size goes up in chunks.

        Credentials come from `zoo login` (Docker's config.json, Podman's auth.json, credential helpers).

        Examples:
          zoo push minilm 127.0.0.1:5000/team/minilm:v1 --plain-http
          zoo push digits59:2 registry.example.com/vision/digits59:prod

        \(RegistryText.exitCodeHelp)
        """)

    @Argument(help: ArgumentHelp("The version: name, name:N, name:tag or name@sha256:hex.", valueName: "ref"))
    var reference: String

    @Argument(help: ArgumentHelp("Where to: the registry, the repository and a tag.", valueName: "registry/repo[:tag]"))
    var target: String

    @Flag(help: "Push only the version's own manifest, not its lineage parents'.")
    var withoutLineage = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    @OptionGroup var registry: RegistryFlags
    @OptionGroup var transfer: TransferFlags
    @OptionGroup var store: StoreOptions

    func validate() throws {
        try StoreText.reference(reference)
        let ref = try RegistryText.reference(target)
        if ref.digest != nil { throw ValidationError("push to a tag (\(ref.registry)/\(ref.repository):TAG), not to a digest: the digest is the manifest's own") }
        try transfer.check()
    }

    func run() async throws {
        try await RegistryText.reporting {
            let ref = try ModelReference(parsing: reference)
            let destination = try RegistryReference(parsing: target)
            let zoo = try store.open()
            var options = registry.options
            transfer.apply(to: &options)
            let report = try await RegistryText.transfer(registry: destination.registry, options: options, label: "push") { client, progress in
                try await Pusher(store: zoo, client: client).push(ref, to: destination, lineage: !withoutLineage, progress: progress)
            }
            if json { try Output.printJSON(report); return }
            print("Pushed \(report.version) \(report.digest.short) to \(report.target): \(report.manifests) manifest\(report.manifests == 1 ? "" : "s"), "
                  + "\(report.blobs) blobs (\(report.uploadedBlobs) sent, \(Output.bytes(UInt64(report.uploadedBytes))); "
                  + "\(report.mountedBlobs) mounted; \(report.existingBlobs) already there) in \(RegistryText.seconds(report.seconds))")
        }
    }
}
