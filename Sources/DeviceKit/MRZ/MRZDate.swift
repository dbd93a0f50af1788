import Foundation

/// A YYMMDD date from an MRZ. The century is not written, so it is chosen relative to a reference
/// date: a birth date is never in the future, an expiry date lies within fifty years of today.
public struct MRZDate: Sendable, Equatable, Hashable {
    /// The six characters as written, e.g. `740812`.
    public let text: String
    /// Year within the century, month and day. Month or day are `nil` when written `<<` (unknown,
    /// allowed for birth dates by Doc 9303 Part 3 §4.7 read with national practice).
    public let year: Int
    public let month: Int?
    public let day: Int?

    /// Parses six characters; `unknownAllowed` admits `<<` for an unknown month or day.
    public init?(_ text: some StringProtocol, unknownAllowed: Bool = false) {
        let characters = Array(text)
        guard characters.count == 6 else { return nil }
        func pair(_ index: Int) -> Int?? {
            let two = String(characters[index..<index + 2])
            if unknownAllowed && two == "<<" { return .some(nil) }
            guard two.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(two) else { return nil }
            return .some(value)
        }
        guard let year = pair(0), let year, let month = pair(2), let day = pair(4) else { return nil }
        if let month, !(1...12).contains(month) { return nil }
        if let day {
            guard day >= 1 else { return nil }
            // The longest a month can be; the exact check needs the century (see `fullYear`).
            let longest = month.map { [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][$0 - 1] } ?? 31
            guard day <= longest else { return nil }
        }
        self.text = String(text)
        self.year = year
        self.month = month
        self.day = day
    }

    /// The four-digit year of a birth date: the latest one not after `reference`.
    public func birthYear(reference: Date = Date()) -> Int {
        let current = Self.calendar.component(.year, from: reference)
        let candidate = current - current % 100 + year
        return candidate > current ? candidate - 100 : candidate
    }

    /// The four-digit year of an expiry date: within fifty years either side of `reference`.
    public func expiryYear(reference: Date = Date()) -> Int {
        let current = Self.calendar.component(.year, from: reference)
        var candidate = current - current % 100 + year
        if candidate > current + 50 { candidate -= 100 }
        if candidate < current - 50 { candidate += 100 }
        return candidate
    }

    /// `YYYY-MM-DD` for a full date in the given year; `nil` if month or day are unknown or the
    /// day does not exist in that year (29 February).
    public func isoDate(fullYear: Int) -> String? {
        guard let month, let day else { return nil }
        var components = DateComponents()
        components.year = fullYear
        components.month = month
        components.day = day
        guard let date = Self.calendar.date(from: components),
              Self.calendar.component(.day, from: date) == day else { return nil }
        return String(format: "%04d-%02d-%02d", fullYear, month, day)
    }

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
