import Testing
@testable import ZooModel

@Test func ZooModelModuleLoads() {
    #expect(Bool(true))
}
