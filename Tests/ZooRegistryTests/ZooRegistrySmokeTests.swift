import Testing
@testable import ZooRegistry

@Test func ZooRegistryModuleLoads() {
    #expect(Bool(true))
}
