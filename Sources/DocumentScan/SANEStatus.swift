import CSANE
import DeviceKit

/// A `SANE_Status` the kiosk can reason about, with what it means for the scanner's health and what
/// an operator should do (docs/drivers/sane.md has the table).
public enum SANEStatus: Sendable, Equatable, CustomStringConvertible {
    case good, unsupported, cancelled, deviceBusy, invalid, endOfFile, jammed, noDocuments, coverOpen
    case ioError, noMemory, accessDenied, warmingUp, hardwareLocked
    case unknown(UInt32)

    init(_ status: SANE_Status) {
        switch status {
        case SANE_STATUS_GOOD: self = .good
        case SANE_STATUS_UNSUPPORTED: self = .unsupported
        case SANE_STATUS_CANCELLED: self = .cancelled
        case SANE_STATUS_DEVICE_BUSY: self = .deviceBusy
        case SANE_STATUS_INVAL: self = .invalid
        case SANE_STATUS_EOF: self = .endOfFile
        case SANE_STATUS_JAMMED: self = .jammed
        case SANE_STATUS_NO_DOCS: self = .noDocuments
        case SANE_STATUS_COVER_OPEN: self = .coverOpen
        case SANE_STATUS_IO_ERROR: self = .ioError
        case SANE_STATUS_NO_MEM: self = .noMemory
        case SANE_STATUS_ACCESS_DENIED: self = .accessDenied
        // SANE 1.1 statuses that sane.h defines only for SANE_NET (12 and 13); backends return them.
        case SANE_Status(rawValue: 12): self = .warmingUp
        case SANE_Status(rawValue: 13): self = .hardwareLocked
        default: self = .unknown(status.rawValue)
        }
    }

    /// The statuses a call can fail with.
    static let failures: [SANEStatus] = [
        .unsupported, .cancelled, .deviceBusy, .invalid, .endOfFile, .jammed, .noDocuments, .coverOpen,
        .ioError, .noMemory, .accessDenied, .warmingUp, .hardwareLocked,
    ]

    /// The stable error code a failure with this status gets; none for `good`, which is no failure.
    public var code: DeviceErrorCode? {
        switch self {
        case .good: nil
        case .unsupported: .unsupported
        case .cancelled: .cancelled
        case .deviceBusy: .busy
        case .invalid: .invalidArgument
        case .endOfFile: .unexpectedEnd
        case .jammed: .mediaJam
        case .noDocuments: .noDocuments
        case .coverOpen: .coverOpen
        case .ioError: .ioError
        case .noMemory: .outOfMemory
        case .accessDenied: .accessDenied
        case .warmingUp: .warmingUp
        case .hardwareLocked: .hardwareLocked
        case .unknown: .scannerError
        }
    }

    public var action: RecommendedAction {
        switch self {
        case .good, .cancelled: .none
        case .deviceBusy, .noDocuments, .warmingUp, .noMemory: .retry
        case .jammed, .coverOpen, .hardwareLocked: .maintenance
        case .ioError, .endOfFile, .unknown: .reset
        case .unsupported, .invalid, .accessDenied: .configuration
        }
    }

    /// The scanner's health after a call failed with this status. Statuses that say nothing about
    /// the device (an empty feeder, a cancel, an unsupported option) leave it online.
    public var health: DeviceHealth {
        switch self {
        case .good, .cancelled, .noDocuments, .unsupported, .invalid:
            .online
        case .unknown:
            DeviceHealth(state: .offline, reason: reason, action: action)
        case .deviceBusy, .warmingUp:
            DeviceHealth(state: .busy, reason: reason, action: action)
        case .jammed, .coverOpen:
            DeviceHealth(state: .userError, reason: reason, action: action)
        case .hardwareLocked, .noMemory:
            DeviceHealth(state: .hardwareError, reason: reason, action: action)
        case .ioError, .endOfFile, .accessDenied:
            DeviceHealth(state: .offline, reason: reason, action: action)
        }
    }

    private var reason: DeviceHealth.Reason? { code.map(DeviceHealth.Reason.init) }

    /// SANE's own words for the status (`sane_strstatus`), for the operator's detail.
    public var description: String {
        switch self {
        case .good: "good"
        case .unsupported: "operation not supported"
        case .cancelled: "cancelled"
        case .deviceBusy: "device busy"
        case .invalid: "invalid argument"
        case .endOfFile: "end of file"
        case .jammed: "document feeder jammed"
        case .noDocuments: "document feeder out of documents"
        case .coverOpen: "scanner cover is open"
        case .ioError: "error during device I/O"
        case .noMemory: "out of memory"
        case .accessDenied: "access to resource has been denied"
        case .warmingUp: "lamp not ready"
        case .hardwareLocked: "scanner mechanism locked for transport"
        case .unknown(let raw): "unknown SANE status \(raw)"
        }
    }

    /// The error for a call that failed with this status; `context` says what was being done
    /// (e.g. `sane_start on test:0`), never anything scanned. Callers check for `good` first.
    public func error(_ context: String) -> DeviceError {
        DeviceError(code: code ?? .scannerError, action: action, detail: "\(context): \(description)")
    }
}
