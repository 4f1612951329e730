/// A benchmark step that could not run (a child process failed), with what it said.
struct BenchmarkFailure: Error, CustomStringConvertible {
    /// What failed and why.
    var description: String

    /// A failure described by `text`.
    init(_ text: String) { description = text }
}
