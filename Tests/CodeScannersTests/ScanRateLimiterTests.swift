import Testing
@testable import CodeScanners

@Suite struct ScanRateLimiterTests {
    @Test func aThousandScansASecondAreCutToTheRate() {
        var limiter = ScanRateLimiter(perSecond: 10, burst: 20)
        let start = ContinuousClock.now
        var allowed = 0, firsts = 0
        for index in 0..<1000 {
            switch limiter.admit(at: start + .milliseconds(index)) {
            case .allowed: allowed += 1
            case .droppedFirst: firsts += 1
            case .dropped: break
            }
        }
        // A burst of 20, then 10 a second for the rest of the second.
        #expect((29...31).contains(allowed))
        #expect(limiter.dropped == 1000 - allowed)
        #expect(firsts == 1)
    }

    @Test func aFloodIsReportedOnceWhileItLasts() {
        var limiter = ScanRateLimiter(perSecond: 1, burst: 1)
        let start = ContinuousClock.now
        #expect(limiter.admit(at: start) == .allowed)
        #expect(limiter.admit(at: start) == .droppedFirst)
        #expect(limiter.admit(at: start) == .dropped)
        #expect(limiter.admit(at: start + .seconds(2)) == .allowed)
        #expect(limiter.admit(at: start + .seconds(2)) == .droppedFirst)
    }
}
