import Foundation

extension Date {
    /// A date from Unix time in whole milliseconds, the way the store keeps times.
    public init(unixMilliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(unixMilliseconds) / 1000)
    }

    /// Unix time in whole milliseconds, rounded down.
    ///
    /// The store keeps every time as an INTEGER of milliseconds, and the value types round their
    /// dates the same way when they are made, so a value read back equals the value written.
    /// A date made from milliseconds can sit a rounding error below its integer in floating point;
    /// such a date counts as that integer, not as the millisecond before.
    public var unixMilliseconds: Int64 {
        let milliseconds = timeIntervalSince1970 * 1000
        let nearest = milliseconds.rounded()
        if abs(milliseconds - nearest) < 0.001 { return Int64(nearest) }
        return Int64(milliseconds.rounded(.down))
    }

    /// This date rounded down to the millisecond.
    public var wholeMilliseconds: Date {
        Date(unixMilliseconds: unixMilliseconds)
    }
}
