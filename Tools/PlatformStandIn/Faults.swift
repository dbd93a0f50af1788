/// The faults the stand-in injects into `/v1` requests, so the kiosk's uploader and sync meet the
/// failures a real platform and network produce: overload, throttling and lost answers.
///
/// Each rate is a probability from 0 to 1, drawn independently for every request in this order:
/// ``failureRate``, then ``throttleRate``, then ``dropRate``. `/admin` is never affected.
///
/// Decoding accepts a partial object: a field left out is 0, so `{"dropRate": 0.2}` means only
/// drops. `PUT /admin/faults` replaces the whole set.
public struct Faults: Codable, Sendable, Equatable {
    /// Answer `503 Service Unavailable` before doing anything.
    public var failureRate: Double
    /// Close the connection with no HTTP answer: half of these before the request is processed,
    /// half after (for events, after the batch was committed — the platform has it, the kiosk
    /// never hears, and its retry must not count the items twice).
    public var dropRate: Double
    /// Answer `429 Too Many Requests` with `Retry-After: ` ``retryAfterSeconds`` before doing
    /// anything.
    public var throttleRate: Double
    /// The `Retry-After` value, in seconds, of a throttled answer.
    public var retryAfterSeconds: Int
    /// A delay added before every `/v1` answer, in milliseconds.
    public var latencyMilliseconds: Int

    public init(
        failureRate: Double = 0, dropRate: Double = 0, throttleRate: Double = 0,
        retryAfterSeconds: Int = 0, latencyMilliseconds: Int = 0
    ) {
        self.failureRate = failureRate
        self.dropRate = dropRate
        self.throttleRate = throttleRate
        self.retryAfterSeconds = retryAfterSeconds
        self.latencyMilliseconds = latencyMilliseconds
    }

    /// No faults at all.
    public static let none = Faults()

    private enum CodingKeys: String, CodingKey {
        case failureRate, dropRate, throttleRate, retryAfterSeconds, latencyMilliseconds
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            failureRate: try container.decodeIfPresent(Double.self, forKey: .failureRate) ?? 0,
            dropRate: try container.decodeIfPresent(Double.self, forKey: .dropRate) ?? 0,
            throttleRate: try container.decodeIfPresent(Double.self, forKey: .throttleRate) ?? 0,
            retryAfterSeconds: try container.decodeIfPresent(Int.self, forKey: .retryAfterSeconds) ?? 0,
            latencyMilliseconds: try container.decodeIfPresent(Int.self, forKey: .latencyMilliseconds) ?? 0)
    }

    /// Throws when a rate is outside 0…1 or a duration is negative (or absurdly long).
    public func validate() throws(StandInError) {
        for (name, rate) in [("failureRate", failureRate), ("dropRate", dropRate), ("throttleRate", throttleRate)] {
            guard rate.isFinite, (0...1).contains(rate) else {
                throw .invalidConfiguration("\(name) must be between 0 and 1, not \(rate)")
            }
        }
        guard (0...86_400).contains(retryAfterSeconds) else {
            throw .invalidConfiguration("retryAfterSeconds must be 0…86400, not \(retryAfterSeconds)")
        }
        guard (0...600_000).contains(latencyMilliseconds) else {
            throw .invalidConfiguration("latencyMilliseconds must be 0…600000, not \(latencyMilliseconds)")
        }
    }
}
