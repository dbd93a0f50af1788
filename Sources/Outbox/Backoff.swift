import Foundation

/// Exponential backoff with full jitter and a cap: attempt *n* waits a random time between zero
/// and `min(cap, base × 2ⁿ⁻¹)`.
///
/// Full jitter spreads the retries of a row of kiosks that lost the link together, so they do not
/// hit the platform in one wave when it comes back ("Exponential Backoff And Jitter", AWS
/// Architecture Blog, 2015).
public struct Backoff: Sendable, Equatable {
    /// The ceiling of the first wait.
    public var base: TimeInterval
    /// No wait is longer than this.
    public var cap: TimeInterval

    public init(base: TimeInterval = 1, cap: TimeInterval = 300) {
        self.base = max(0, base)
        self.cap = max(self.base, cap)
    }

    /// The longest wait for this attempt (1 for the first failure).
    public func ceiling(attempt: Int) -> TimeInterval {
        guard attempt > 0 else { return 0 }
        // 2^62 would overflow long before the cap matters; stop doubling once past it.
        let exponent = min(attempt - 1, 62)
        let ceiling = base * pow(2, Double(exponent))
        return min(cap, ceiling)
    }

    /// A wait for this attempt, drawn uniformly from zero to its ceiling.
    public func delay(attempt: Int, using generator: inout some RandomNumberGenerator) -> TimeInterval {
        let ceiling = ceiling(attempt: attempt)
        guard ceiling > 0 else { return 0 }
        return Double.random(in: 0...ceiling, using: &generator)
    }

    /// A wait for this attempt from the system's random generator.
    public func delay(attempt: Int) -> TimeInterval {
        var generator = SystemRandomNumberGenerator()
        return delay(attempt: attempt, using: &generator)
    }
}
