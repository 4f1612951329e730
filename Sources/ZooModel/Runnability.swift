/// Whether the trainer can run a description, and if not, every reason why.
public struct Runnability: Sendable, Equatable {
    /// What stops the model from running, one sentence each; empty when it can run.
    public var reasons: [String]

    public init(reasons: [String]) { self.reasons = reasons }

    /// True when nothing stops the model from running.
    public var isRunnable: Bool { reasons.isEmpty }
}
