/// What cupsd says about a queue at one moment (IPP Get-Printer-Attributes, RFC 8011 §5.4).
public struct PrinterStatus: Sendable, Equatable {
    /// `printer-state` (RFC 8011 §5.4.11).
    public enum State: Int32, Sendable {
        case idle = 3
        case processing = 4
        case stopped = 5
    }

    /// A supply as the printer reports it (`marker-names`, `marker-levels`; PWG 5100.13): a level
    /// from 0 to 100, or -1 unavailable, -2 unknown, -3 unknown but some remaining (RFC 3805
    /// prtMarkerSuppliesLevel, as CUPS passes it on).
    public struct Supply: Sendable, Equatable {
        public var name: String
        public var level: Int
        /// `marker-types`, e.g. `toner`, `waste-toner`, `opc`.
        public var type: String?
        /// `marker-low-levels`: at or below it the printer calls the supply low.
        public var lowLevel: Int?
        public init(name: String, level: Int, type: String? = nil, lowLevel: Int? = nil) {
            self.name = name
            self.level = level
            self.type = type
            self.lowLevel = lowLevel
        }
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
