/// A token bucket for scanned codes: a scanner stuck in a loop, or a hostile code replayed a
/// thousand times a second, must not flood the session. Codes over the rate are dropped and
/// counted; the scanner stays online (nothing is wrong with the device).
public struct ScanRateLimiter: Sendable {
    /// Codes allowed in a burst.
    public let burst: Double
    /// Codes per second refilled.
    public let perSecond: Double

    private var tokens: Double
    private var last: ContinuousClock.Instant?
    /// Codes dropped since the limiter was made.
    public private(set) var dropped = 0
    /// Whether the limiter is dropping now (since the last code it let through).
    public private(set) var isDropping = false

    public init(perSecond: Double = 10, burst: Double = 20) {
        self.perSecond = max(0.001, perSecond)
        self.burst = max(1, burst)
        tokens = max(1, burst)
    }

    /// Whether a code arriving at `now` may go on. The first drop of a flood returns
    /// `.droppedFirst`, so the caller logs once per flood, not once per code.
    public enum Verdict: Equatable, Sendable { case allowed, droppedFirst, dropped }

    public mutating func admit(at now: ContinuousClock.Instant) -> Verdict {
        if let last {
            let elapsed = last.duration(to: now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            tokens = min(burst, tokens + max(0, seconds) * perSecond)
        }
        last = now
        if tokens >= 1 {
            tokens -= 1
            isDropping = false
            return .allowed
        }
        dropped += 1
        defer { isDropping = true }
        return isDropping ? .dropped : .droppedFirst
    }
}
