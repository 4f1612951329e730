import ArgumentParser
import ZooRegistry

/// `zoo du`: logical and on-disk bytes, per version, per model and in total.
struct DuCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "du",
        abstract: "Show disk usage: logical bytes, unique bytes on disk, and what rm of each would free.",
        discussion: "The feature cache (frozen backbones' outputs kept by train and the experiments) is a line of its own; it is not in the logical or on-disk totals of the models, and `zoo gc --features` drops it.")

    @Flag(help: "Print the usage as JSON.")
    var json = false

    @OptionGroup var store: StoreOptions

    func run() throws {
        try StoreText.reporting {
            let du = try store.open().du()
            if json { try Output.printJSON(du); return }
            var table = Table(["MODEL", "LOGICAL", "RM FREES"], alignments: [.left, .right, .right])
            for m in du.models {
                table.add([m.reference, Output.bytes(m.logicalBytes), Output.bytes(m.exclusiveBytes)])
                for v in du.versions where v.reference.hasPrefix(m.reference + ":") {
                    table.add(["  " + v.reference, Output.bytes(v.logicalBytes), Output.bytes(v.exclusiveBytes)])
                }
            }
            print(table.render())
            print("")
            print("logical \(Output.bytes(du.logicalBytes)), on disk \(Output.bytes(du.uniqueBytes)) "
                  + "(dedupe saves \(Output.bytes(du.logicalBytes - min(du.logicalBytes, du.uniqueBytes))))"
                  + (du.unreferencedBytes + du.temporaryBytes + du.featureCacheLeftoverBytes > 0
                     ? "; `zoo gc` would free \(Output.bytes(du.unreferencedBytes + du.temporaryBytes + du.featureCacheLeftoverBytes))" : ""))
            print("feature cache \(Output.bytes(du.featureCacheBytes)) in \(du.featureCacheEntries) entr\(du.featureCacheEntries == 1 ? "y" : "ies")"
                  + (du.featureCacheEntries > 0 ? " (`zoo gc --features` drops it)" : ""))
        }
    }
}
