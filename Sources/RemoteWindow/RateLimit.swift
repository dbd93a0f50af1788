import Foundation

/// A token bucket per connection: each message takes a token; tokens come back at a steady rate up
/// to a burst. A connection that runs dry is flooding and is closed, so one broken or hostile
/// client cannot take the kiosk's time from the citizen.
public struct TokenBucket: Sendable, Hashable {
    public struct Configuration: Sendable, Hashable {
        /// Tokens returned per second.
        public var messagesPerSecond: Double
        /// The most tokens the bucket holds, and holds at the start.
        public var burst: Int

        /// 50 messages a second, bursts of 100: an operator typing fast sends ten keys a second.
        public static let standard = Configuration(messagesPerSecond: 50, burst: 100)

        public init(messagesPerSecond: Double, burst: Int) {
            self.messagesPerSecond = max(0, messagesPerSecond)
            self.burst = max(1, burst)
        }
    }

    public let configuration: Configuration
    public private(set) var tokens: Double
    private var last: Date?

    public init(_ configuration: Configuration = .standard) {
        self.configuration = configuration
        tokens = Double(configuration.burst)
    }

    /// Takes a token for a message at `now`; false when the bucket is empty. A clock that steps back
    /// refills nothing.
    public mutating func take(now: Date) -> Bool {
        if let last {
            let elapsed = max(0, now.timeIntervalSince(last))
            tokens = min(Double(configuration.burst), tokens + elapsed * configuration.messagesPerSecond)
        }
        last = now
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
