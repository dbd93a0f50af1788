/// Splits the bytes a serial code scanner sends into codes: each code ends with the terminator the
/// scanner is programmed for (CR, LF, CR LF or TAB). A value type that performs no I/O.
///
/// A code longer than `maximumLength` is not delivered: its bytes are dropped up to the next
/// terminator and reported once as ``Output/overlong(_:)``, so a scanner left streaming garbage (or a
/// wrong baud rate that never produces a terminator) cannot grow memory without end. Empty codes (a
/// terminator alone) are skipped.
public struct SerialCodeFramer: Sendable {
    public enum Terminator: String, Sendable, CaseIterable {
        case cr = "CR", lf = "LF", crlf = "CRLF", tab = "TAB"

        public var bytes: [UInt8] {
            switch self {
            case .cr: [0x0D]
            case .lf: [0x0A]
            case .crlf: [0x0D, 0x0A]
            case .tab: [0x09]
            }
        }

        /// `CR`, `lf`, `CrLf`, `tab`… as written in kiosk.yaml.
        public init?(setting: String) {
            guard let match = Self.allCases.first(where: { $0.rawValue.caseInsensitiveCompare(setting) == .orderedSame }) else {
                return nil
            }
            self = match
        }
    }

    public enum Output: Sendable, Equatable {
        case code([UInt8])
        /// A code longer than the maximum was dropped; the count is how many bytes it had (at least).
        case overlong(Int)
    }

    public let terminator: Terminator
    public let maximumLength: Int
    private var pending: [UInt8] = []
    private var discarding = false
    private var discarded = 0

    public init(terminator: Terminator, maximumLength: Int = 4096) {
        self.terminator = terminator
        self.maximumLength = max(1, maximumLength)
    }

    /// Bytes of an unfinished code.
    public var pendingCount: Int { pending.count }

    public mutating func feed<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> [Output] {
        var outputs: [Output] = []
        let end = terminator.bytes
        for byte in bytes {
            pending.append(byte)
            if pending.count >= end.count, pending.suffix(end.count).elementsEqual(end) {
                pending.removeLast(end.count)
                if discarding {
                    outputs.append(.overlong(discarded + pending.count))
                    discarding = false
                    discarded = 0
                } else if !pending.isEmpty {
                    outputs.append(.code(pending))
                }
                pending.removeAll(keepingCapacity: true)
            } else if pending.count > maximumLength + end.count - 1 {
                // Keep only what could still be the start of a terminator.
                let keep = end.count - 1
                discarded += pending.count - keep
                pending = Array(pending.suffix(keep))
                discarding = true
            }
        }
        return outputs
    }
}
