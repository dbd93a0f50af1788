import Foundation

/// Times on the wire, to the platform and in the remote window: ISO 8601 in UTC with whole
/// milliseconds, `2026-11-27T14:21:44.123Z`.
public enum Timestamp {
    /// The date to the nearest millisecond.
    public static func format(_ date: Date) -> String {
        format(milliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded()))
    }

    /// Written from whole milliseconds: Foundation's fractional-second formatting truncates the
    /// binary fraction, so `.123` could come out as `.122`.
    public static func format(milliseconds: Int64) -> String {
        var seconds = milliseconds / 1000, fraction = milliseconds % 1000
        if fraction < 0 {
            seconds -= 1
            fraction += 1000
        }
        let whole = Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(Date.ISO8601FormatStyle())
        let digits = String(fraction)
        return whole.dropLast() + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    /// A date written with or without fractional seconds.
    public static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle())
    }
}
