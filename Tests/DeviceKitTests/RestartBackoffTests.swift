import DeviceKit
import Testing

@Suite("Restart backoff")
struct RestartBackoffTests {
    @Test("without jitter: 0.5 s doubling to a 30 s cap")
    func doubling() {
        let backoff = RestartBackoff(jitter: 0)
        let delays = (1...9).map { backoff.delay(afterFailure: $0, random: 0.7) }
        #expect(delays == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16),
                           .seconds(30), .seconds(30), .seconds(30)])
        #expect(backoff.delay(afterFailure: 10_000, random: 0) == .seconds(30))
    }

    @Test("jitter takes up to its share off each delay, never more, never adds")
    func jitter() {
        let backoff = RestartBackoff.standard
        #expect(backoff.delay(afterFailure: 3, random: 0) == .seconds(2))
        #expect(backoff.delay(afterFailure: 3, random: 0.5) == .milliseconds(1800))
        for failures in 1...12 {
            let cap = min(0.5 * Double(1 << (failures - 1)), 30)
            let delay = backoff.delay(afterFailure: failures)
            #expect(delay <= .seconds(cap) && delay >= .seconds(cap * 0.8))
        }
    }

    @Test("out-of-range settings are clamped")
    func clamping() {
        let backoff = RestartBackoff(multiplier: 0.5, jitter: 3)
        #expect(backoff.multiplier == 1)
        #expect(backoff.jitter == 1)
        #expect(backoff.delay(afterFailure: 4, random: 0) == .milliseconds(500))
    }
}
