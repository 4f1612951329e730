import Testing
@testable import ZooTrain

@Test func ZooTrainModuleLoads() {
    #expect(Bool(true))
}
