import Foundation

/// How long DeviceManager waits before starting a device again after a failed start or an offline
/// report: exponential backoff with jitter, so a kiosk full of readers that lost power together does
/// not hammer the bus in step, and a device that stays unplugged is retried about twice a minute.
///
/// The n-th consecutive failure waits `min(maximum, initial × multiplierⁿ⁻¹)`, less a random part of
/// up to `jitter` of it. A device that stayed up for `resetAfter` starts again from `initial`.
public struct RestartBackoff: Sendable, Equatable {
    public var initial: Duration
    public var maximum: Duration
    public var multiplier: Double
    /// The share of each delay that is random, 0...1: 0.2 waits between 80 % and 100 % of it.
    public var jitter: Double
    /// After this long up, a device's failures are forgotten.
    public var resetAfter: Duration

    public init(initial: Duration = .milliseconds(500), maximum: Duration = .seconds(30), multiplier: Double = 2,
                jitter: Double = 0.2, resetAfter: Duration = .seconds(60)) {
        self.initial = initial
        self.maximum = maximum
        self.multiplier = max(1, multiplier)
        self.jitter = min(1, max(0, jitter))
        self.resetAfter = resetAfter
    }

    /// 0.5 s doubling to 30 s, 20 % jitter.
    public static let standard = RestartBackoff()

    /// The wait after the `failures`-th consecutive failure (1 for the first), with `random` in
    /// 0..<1 choosing the jitter.
    public func delay(afterFailure failures: Int, random: Double) -> Duration {
        let initialSeconds = Self.seconds(initial)
        let maximumSeconds = Self.seconds(maximum)
        let exponent = Double(max(0, failures - 1))
        let base = min(maximumSeconds, initialSeconds * pow(multiplier, exponent))
        let jittered = base * (1 - jitter * min(max(random, 0), 1))
        let nanoseconds = min(max(0, jittered) * 1e9, Double(Int64.max / 2))
        return .nanoseconds(Int64(nanoseconds.rounded()))
    }

    /// The wait after the `failures`-th consecutive failure, with random jitter.
    public func delay(afterFailure failures: Int) -> Duration {
        delay(afterFailure: failures, random: Double.random(in: 0..<1))
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
