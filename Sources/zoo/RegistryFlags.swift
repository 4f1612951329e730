import ArgumentParser
import ZooDistribution

/// The flags `push`, `pull`, `login` and `logout` share: how to reach the registry.
struct RegistryFlags: ParsableArguments {
    @Flag(help: "Speak plain HTTP: for a registry without TLS (as on loopback).")
    var plainHTTP = false

    @Option(help: ArgumentHelp("A CA certificate (PEM) to trust besides the system's, for a registry with a private CA.", valueName: "ca.pem"))
    var caFile: String?

    /// The client options these flags give.
    var options: RegistryOptions {
        var o = RegistryOptions()
        o.plainHTTP = plainHTTP
        o.caFile = caFile
        return o
    }
}

/// The flags of the commands that move blobs.
struct TransferFlags: ParsableArguments {
    @Option(help: "Blobs moved at the same time.")
    var jobs = 4

    @Option(help: ArgumentHelp("Push a blob larger than this (bytes; k, M, G suffixes) in chunks of this size.", valueName: "bytes"))
    var chunkSize = "64M"

    /// `--chunk-size` in bytes, nil when it does not parse.
    var chunkBytes: Int64? { TransferFlags.parseSize(chunkSize) }

    func check() throws {
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs must be 1 to 64") }
        guard let bytes = chunkBytes, bytes >= 1 << 10 else {
            throw ValidationError("--chunk-size must be a size of at least 1k, as in 16M or 1048576, not '\(chunkSize)'")
        }
    }

    /// `16M` -> 16 MiB; plain digits are bytes.
    static func parseSize(_ text: String) -> Int64? {
        var digits = Substring(text)
        var scale: Int64 = 1
        if let last = digits.last, let s = ["k": Int64(1) << 10, "K": 1 << 10, "m": 1 << 20, "M": 1 << 20, "g": 1 << 30, "G": 1 << 30][last] {
            scale = s
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, digits.utf8.allSatisfy({ (48...57).contains($0) }), let n = Int64(digits) else { return nil }
        let (v, overflow) = n.multipliedReportingOverflow(by: scale)
        return overflow ? nil : v
    }

    func apply(to options: inout RegistryOptions) {
        options.jobs = jobs
        options.chunkSize = chunkBytes ?? options.chunkSize
    }
}
