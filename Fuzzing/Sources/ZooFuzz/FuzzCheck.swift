#if canImport(Glibc)
import Glibc
#endif

/// A property a target checks. A failure prints what disagreed and aborts, which libFuzzer
/// reports as a crash and saves the input for (scripts/fuzz.sh says where).
enum FuzzCheck {
    static func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
        if !condition() { fail(message()) }
    }

    static func fail(_ message: String) -> Never {
        fputs("zoo-fuzz: property failed: \(message)\n", stderr)
        abort()
    }
}
