/// Turns 8-byte HID boot-keyboard reports from a keyboard-wedge scanner into codes.
///
/// A report is `[modifiers, reserved, key1 … key6]`: the keys held down now. A key counts when it
/// appears (it was not held in the previous report), so a held key is typed once and the release
/// report (all zero) types nothing; several new keys in one report (rollover) are typed in slot
/// order. Enter, keypad Enter or Tab ends the code. A code longer than ``maximumLength`` is refused
/// and everything up to its terminator dropped, so the next code starts clean.
///
/// A value type with no I/O, after swift-nio's state machines: reports in, codes out.
public struct KeyboardWedgeDecoder: Sendable {
    public static let reportLength = 8
    public let maximumLength: Int

    private var pending: [UInt8] = []
    private var held: [UInt8] = []
    private var overflowed = false

    public init(maximumLength: Int = 512) {
        self.maximumLength = max(1, maximumLength)
    }

    /// Whether part of a code has been typed but not yet ended.
    public var hasPartialCode: Bool { !pending.isEmpty || overflowed }

    /// Drops a partial code, e.g. when the scanner is unplugged mid-scan.
    public mutating func reset() {
        pending.removeAll(keepingCapacity: true)
        held.removeAll(keepingCapacity: true)
        overflowed = false
    }

    /// Feeds one report. Returns the codes it completed (usually none or one). Throws when the
    /// report is malformed (nothing changes) or when it ended a code that was too long.
    public mutating func feed(_ report: some Collection<UInt8>) throws(HIDReportError) -> [[UInt8]] {
        guard report.count >= Self.reportLength else {
            throw .reportTooShort(needed: Self.reportLength, got: report.count)
        }
        let bytes = Array(report.prefix(Self.reportLength))
        let modifiers = bytes[0]
        let keys = bytes[2...].filter { $0 != 0 }
        // Phantom state: the keyboard could not tell which keys are down; keep the last state.
        if keys.contains(KeyboardUsage.errorRollOver) { return [] }
        defer { held = Array(keys) }

        var codes: [[UInt8]] = []
        var tooLong = false
        for key in keys where !held.contains(key) {
            switch KeyboardUsage.meaning(of: key, modifiers: modifiers) {
            case .character(let character):
                if overflowed { continue }
                if pending.count >= maximumLength {
                    overflowed = true
                    pending.removeAll(keepingCapacity: true)
                } else {
                    pending.append(character)
                }
            case .terminator:
                if overflowed {
                    overflowed = false
                    tooLong = true
                } else if !pending.isEmpty {
                    codes.append(pending)
                    pending.removeAll(keepingCapacity: true)
                }
            case .ignored:
                continue
            }
        }
        if tooLong && codes.isEmpty { throw .codeTooLong(maximum: maximumLength) }
        return codes
    }
}
