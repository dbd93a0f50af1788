import DeviceKit

/// Why a scanner's report, or the code it was part of, was refused. Each maps to a stable
/// `DeviceError` code; none carries the scanned data (a code may be a citizen's pickup code).
public enum HIDReportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A report shorter than its format: `needed` bytes, `got` bytes.
    case reportTooShort(needed: Int, got: Int)
    /// A HID POS report whose report id is not the scanned-data report's.
    case unexpectedReportID(UInt8)
    /// A HID POS report whose length byte claims more data than the report holds.
    case lengthOutOfRange(claimed: Int, maximum: Int)
    /// A code grew past the longest accepted; it is discarded up to its end.
    case codeTooLong(maximum: Int)
    /// A HID POS continuation changed symbology half way through a code.
    case symbologyChanged

    /// The stable code of the matching `DeviceError`.
    public var code: DeviceErrorCode {
        switch self {
        case .reportTooShort: .reportTooShort
        case .unexpectedReportID: .unexpectedReportID
        case .lengthOutOfRange: .reportLengthOutOfRange
        case .codeTooLong: .codeTooLong
        case .symbologyChanged: .symbologyChanged
        }
    }

    public var description: String {
        switch self {
        case .reportTooShort(let needed, let got): "report of \(got) bytes, at least \(needed) needed"
        case .unexpectedReportID(let id): "report id \(id) is not a scanned-data report"
        case .lengthOutOfRange(let claimed, let maximum): "report claims \(claimed) data bytes, at most \(maximum) fit"
        case .codeTooLong(let maximum): "code longer than \(maximum) bytes; discarded"
        case .symbologyChanged: "symbology changed inside one code; discarded"
        }
    }

    /// As a device error: a bad report is the scanner's fault or a bad label, retrying (scanning
    /// again) is what helps.
    public var deviceError: DeviceError {
        DeviceError(code: code, action: .retry, detail: description)
    }
}
