import Testing
@testable import ZooModel

/// Runs `body`, expects a `ModelError` of `kind` whose message contains every string in `mentions`.
func expectModelError(_ kind: ModelError.Kind, mentions: [String] = [],
                      sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    let error = #expect(throws: ModelError.self, sourceLocation: sourceLocation) { try body() }
    guard let error else { return }
    #expect(error.kind == kind, "kind of: \(error.message)", sourceLocation: sourceLocation)
    for m in mentions {
        #expect(error.message.contains(m), "'\(m)' not in: \(error.message)", sourceLocation: sourceLocation)
    }
}
