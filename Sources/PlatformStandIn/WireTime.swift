import Foundation
import Outbox

/// Times on the wire: ISO 8601 in UTC with exactly the millisecond the store holds.
///
/// `PlatformAPI.makeEncoder()` formats with Foundation's `ISO8601FormatStyle`, which truncates
/// the fraction instead of rounding it. A time read back from whole milliseconds is often a
/// hair below its millisecond in floating point (`1795000000.123` is `…0.12299990654`), so it
/// would be sent one millisecond early (`.122`). The stand-in answers with this encoder instead:
/// the same output format and key order, with the millisecond computed in integers.
enum WireTime {
    /// `2026-11-27T14:21:44.123Z`.
    static func format(_ date: Date) -> String {
        let milliseconds = date.unixMilliseconds
        var seconds = milliseconds / 1000
        var fraction = milliseconds % 1000
        if fraction < 0 {
            seconds -= 1
            fraction += 1000
        }
        let whole = Date(timeIntervalSince1970: Double(seconds)).formatted(Date.ISO8601FormatStyle())
        let digits = String(fraction)
        return whole.dropLast() + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    /// The JSON encoder of every answer: sorted keys, slashes unescaped, times by ``format(_:)``.
    static func makeEncoder() -> JSONEncoder {
        let encoder = PlatformAPI.makeEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(format(date))
        }
        return encoder
    }
}
