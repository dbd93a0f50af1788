import DeviceKit
@testable import Application
import Testing

@Suite struct IdentityCheckTests {
    let document = Identity(kind: .passport, number: "L898902C3", name: "", latinName: "ERIKSSON ANNA MARIA")

    @Test func everyWaitingOperatorGetsTheNextDocument() async {
        let check = IdentityCheck()
        async let first = check.next(timeout: .seconds(30))
        async let second = check.next(timeout: .seconds(30))
        while check.waiters < 2 { await Task.yield() }
        check.offer(document)
        #expect(await first == document)
        #expect(await second == document)
        #expect(!check.isWaiting)
    }

    @Test func aWaitEndsWithNothingWhenItsTimeIsUp() async {
        let check = IdentityCheck()
        let clock = ContinuousClock()
        let start = clock.now
        #expect(await check.next(timeout: .milliseconds(50)) == nil)
        #expect(clock.now - start >= .milliseconds(50))
        #expect(!check.isWaiting)
        // A document offered after the wait ended goes nowhere and breaks nothing.
        check.offer(document)
    }
}
