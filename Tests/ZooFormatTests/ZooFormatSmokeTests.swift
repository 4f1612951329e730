import Testing
@testable import ZooFormat

@Test func ZooFormatModuleLoads() {
    #expect(Bool(true))
}
