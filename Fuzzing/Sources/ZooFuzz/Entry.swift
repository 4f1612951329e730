#if canImport(Glibc)
import Glibc
#endif

/// The target this process runs, chosen once by `ZOO_FUZZ_TARGET` before the first input.
nonisolated(unsafe) private var selected: FuzzTarget?

/// libFuzzer calls this once before any input: it picks the target named by `ZOO_FUZZ_TARGET`
/// (one binary holds every target, so the fuzz package builds and links once).
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> CInt {
    let name = getenv("ZOO_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let target = FuzzTarget.all.first(where: { $0.name == name }) else {
        let names = FuzzTarget.all.map(\.name).joined(separator: " ")
        fputs("zoo-fuzz: set ZOO_FUZZ_TARGET to one of: \(names)\n", stderr)
        exit(64)
    }
    selected = target
    Scratch.prepare(target.name)
    return 0
}

/// libFuzzer calls this for every input; a failed property aborts (see `FuzzCheck`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let target = selected else { return 0 }
    let input = Array(UnsafeBufferPointer(start: start, count: start == nil ? 0 : count))
    target.run(input)
    return 0
}
