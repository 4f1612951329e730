/// Carries a value across the concurrency checker where the caller guarantees disjoint access.
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
}
