/// Runs work on many items with at most `limit` at a time; the first failure cancels the rest
/// and is the one thrown.
enum Concurrently {
    static func forEach<T: Sendable>(_ items: [T], limit: Int,
                                     _ body: @escaping @Sendable (T) async throws(DistributionError) -> Void) async throws(DistributionError) {
        guard !items.isEmpty else { return }
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                var next = 0
                func add() {
                    let item = items[next]
                    next += 1
                    group.addTask { try await body(item) }
                }
                while next < min(max(1, limit), items.count) { add() }
                while try await group.next() != nil {
                    if next < items.count { add() }
                }
            }
        } catch let error as DistributionError {
            throw error
        } catch {
            throw DistributionError(.network, "a transfer stopped: \(error)")
        }
    }
}
