/// What cupsd says about a queue at one moment (IPP Get-Printer-Attributes, RFC 8011 §5.4).
public struct PrinterStatus: Sendable, Equatable {
    /// `printer-state` (RFC 8011 §5.4.11).
    public enum State: Int32, Sendable {
        case idle = 3
        case processing = 4
        case stopped = 5
    }

    /// A supply as the printer reports it (`marker-names`, `marker-levels`; PWG 5100.13): a level
    /// from 0 to 100, or -1 unknown, -2 unknown but not empty, -3 some remaining (RFC 3805).
    public struct Supply: Sendable, Equatable {
        public var name: String
        public var level: Int
        public init(name: String, level: Int) { self.name = name; self.level = level }
    }

    public var state: State
    /// `printer-state-reasons` as sent, e.g. `media-empty-error`, `toner-low-warning`; never `none`.
    public var reasons: [String]
    public var acceptingJobs: Bool
    /// `printer-state-message`, for the operator.
    public var message: String
    /// `media-ready`: what is loaded.
    public var mediaReady: [String]
    public var supplies: [Supply]
    /// Whether the network printer behind the queue answers; nil when it is not probed.
    public var deviceReachable: Bool?

    public init(state: State, reasons: [String] = [], acceptingJobs: Bool = true, message: String = "",
                mediaReady: [String] = [], supplies: [Supply] = [], deviceReachable: Bool? = nil) {
        self.state = state
        self.reasons = reasons.filter { $0 != "none" }
        self.acceptingJobs = acceptingJobs
        self.message = message
        self.mediaReady = mediaReady
        self.supplies = supplies
        self.deviceReachable = deviceReachable
    }
}
