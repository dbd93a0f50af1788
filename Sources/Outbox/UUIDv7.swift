import Foundation
import Synchronization

/// Makes time-ordered UUIDs of version 7 (RFC 9562), the ids of outbox items.
///
/// An outbox item's id is sent to the platform as its `Idempotency-Key` (DESIGN decision 6), so it
/// must be unique forever and stable across retries. Version 7 puts a 48-bit Unix timestamp in
/// milliseconds in front, which gives three things a random UUID does not:
///
/// - ids sort in the order the items were created, so `ORDER BY id` is the queue order and the
///   primary-key index doubles as the queue index;
/// - new rows land at the end of that index, which keeps SQLite's B-tree writes local;
/// - an operator can read an item's age from its id.
///
/// Within one millisecond, and when the wall clock steps backwards (NTP corrections on a kiosk that
/// has been offline), ids stay strictly increasing: the generator treats the 74 bits after the
/// timestamp as a counter and adds one to the last id, in the manner of RFC 9562 §6.2 method 2
/// ("monotonic random"). A fresh millisecond starts from random bits with the top bit clear, so the
/// counter has at least 2^73 steps of room; should it still overflow, the timestamp moves on by one
/// millisecond, as §6.2 allows.
///
/// The generator is safe to share between threads: its state is guarded by a `Mutex`.
///
/// Related standard: [RFC 9562 §5.7, UUID Version 7](https://www.rfc-editor.org/rfc/rfc9562#section-5.7)
/// and [§6.2, Monotonicity and Counters](https://www.rfc-editor.org/rfc/rfc9562#section-6.2).
public final class UUIDv7Generator: Sendable {
    /// The generator for the whole process. Use it unless a test needs its own clock.
    public static let shared = UUIDv7Generator()

    private struct State {
        var milliseconds: UInt64 = 0
        /// The 12 bits of `rand_a`.
        var high: UInt16 = 0
        /// The 62 bits of `rand_b`.
        var low: UInt64 = 0
    }

    private static let lowLimit: UInt64 = 1 << 62
    private static let highLimit: UInt16 = 1 << 12
    /// The largest timestamp that fits in 48 bits.
    private static let maxMilliseconds: UInt64 = (1 << 48) - 1

    private let state = Mutex(State())
    private let clock: @Sendable () -> Date

    /// Creates a generator.
    ///
    /// - parameter clock: Where the time comes from; the wall clock unless a test injects its own.
    public init(clock: @escaping @Sendable () -> Date = { Date() }) {
        self.clock = clock
    }

    /// Returns a new version 7 UUID, greater than every UUID this generator returned before.
    public func next() -> UUID {
        let seconds = clock().timeIntervalSince1970
        let now = seconds <= 0 ? 0 : min(UInt64(seconds * 1000), Self.maxMilliseconds)
        var random = SystemRandomNumberGenerator()
        let (milliseconds, high, low) = state.withLock { state -> (UInt64, UInt16, UInt64) in
            if now > state.milliseconds {
                state.milliseconds = now
                state.high = UInt16.random(in: 0..<(Self.highLimit / 2), using: &random)
                state.low = UInt64.random(in: 0..<Self.lowLimit, using: &random)
            } else {
                // Same millisecond, or the clock went back: count on from the last id.
                state.low += 1
                if state.low == Self.lowLimit {
                    state.low = 0
                    state.high += 1
                    if state.high == Self.highLimit {
                        state.high = 0
                        state.milliseconds = min(state.milliseconds + 1, Self.maxMilliseconds)
                    }
                }
            }
            return (state.milliseconds, state.high, state.low)
        }
        return Self.makeUUID(milliseconds: milliseconds, randA: high, randB: low)
    }

    /// Lays out the fields of RFC 9562 §5.7: `unix_ts_ms` (48), `ver` (4), `rand_a` (12),
    /// `var` (2), `rand_b` (62).
    static func makeUUID(milliseconds: UInt64, randA: UInt16, randB: UInt64) -> UUID {
        func byte(_ value: UInt64, _ shift: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: value >> shift) }
        return UUID(uuid: (
            byte(milliseconds, 40), byte(milliseconds, 32), byte(milliseconds, 24),
            byte(milliseconds, 16), byte(milliseconds, 8), byte(milliseconds, 0),
            0x70 | UInt8(truncatingIfNeeded: randA >> 8) & 0x0f, UInt8(truncatingIfNeeded: randA),
            0x80 | byte(randB, 56) & 0x3f, byte(randB, 48),
            byte(randB, 40), byte(randB, 32), byte(randB, 24), byte(randB, 16), byte(randB, 8), byte(randB, 0)
        ))
    }
}

extension UUID {
    /// A new time-ordered version 7 UUID from ``UUIDv7Generator/shared``.
    public static func v7() -> UUID {
        UUIDv7Generator.shared.next()
    }

    /// The version number in bits 48–51 (RFC 9562 §4.2): 7 for ids made by ``UUIDv7Generator``.
    public var rfc9562Version: Int {
        Int(uuid.6 >> 4)
    }

    /// The creation time carried by a version 7 UUID, to the millisecond; nil for other versions.
    public var v7Timestamp: Date? {
        guard rfc9562Version == 7 else { return nil }
        let u = uuid
        let milliseconds = [u.0, u.1, u.2, u.3, u.4, u.5].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
