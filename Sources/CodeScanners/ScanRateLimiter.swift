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
    /// When the last code was dropped; a flood ends after a second without drops.
    private var lastDrop: ContinuousClock.Instant?
    public static let quietPeriod = Duration.seconds(1)

    public init(perSecond: Double = 10, burst: Double = 20) {
        self.perSecond = max(0.001, perSecond)
        self.burst = max(1, burst)
        tokens = max(1, burst)
    }

    /// Whether a code arriving at `now` may go on. The first drop of a flood (after a
    /// second without drops) returns `.droppedFirst`, so the caller logs once per flood, not per code.
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
            return .allowed
        }
        dropped += 1
        defer { lastDrop = now }
        let continuing = lastDrop.map { $0.duration(to: now) < Self.quietPeriod } ?? false
        return continuing ? .dropped : .droppedFirst
    }
}
