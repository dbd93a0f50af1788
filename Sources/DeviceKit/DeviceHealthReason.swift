import WireFormat

extension DeviceHealth {
    /// Why a device is in its state, as a short kebab-case word (`media-empty`, `paused`,
    /// `disconnected`): operators read it, device alerts carry it, and flows look up its text
    /// (`device.reason.<reason>`). It encodes as that word alone.
    ///
    /// A struct rather than an enum because the set is open: any ``DeviceErrorCode`` can be the
    /// reason (a device that failed to start is offline for its error's code), and a printer
    /// passes on the `printer-state-reasons` keyword of an error that DeviceKit does not know (RFC
    /// 8011 lets printers name their own, e.g. `vendor-specific-error`), which the operator must
    /// see as the printer said it. Drivers make a reason from a code or one of the conditions
    /// below; ``init(rawValue:)`` is for words from outside and for decoding.
    public struct Reason: OpenWord {
        public let rawValue: String

        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// The device error that left the device in its state.
        public init(_ code: DeviceErrorCode) {
            rawValue = code.rawValue
        }

        /// The error code this reason names, if it names one.
        public var errorCode: DeviceErrorCode? { DeviceErrorCode(rawValue: rawValue) }

        // Conditions that are no device error, each made by one driver family.

        /// A scanner's worker thread has not reported yet (CodeScanners).
        public static let starting = Reason(rawValue: "starting")
        /// libusb lost the scanner's transfer for another reason than an unplug (CodeScanners).
        public static let transferFailed = Reason(rawValue: "transfer-failed")
        /// No PC/SC reader by the configured name (SmartCard).
        public static let readerMissing = Reason(rawValue: "reader-missing")
        /// pcscd does not answer (SmartCard).
        public static let pcscdUnavailable = Reason(rawValue: "pcscd-unavailable")
        /// The PC/SC self-test failed for another reason (SmartCard).
        public static let selfTestFailed = Reason(rawValue: "self-test-failed")
        /// The printer behind an IPP queue does not answer (Printing).
        public static let deviceUnreachable = Reason(rawValue: "device-unreachable")
        /// The CUPS queue is stopped (Printing).
        public static let paused = Reason(rawValue: "paused")
        /// The CUPS queue rejects jobs (Printing).
        public static let notAcceptingJobs = Reason(rawValue: "not-accepting-jobs")

        // Supplies running low: the printer still prints (Printing, the simulated printer).
        public static let mediaLow = Reason(rawValue: "media-low")
        public static let tonerLow = Reason(rawValue: "toner-low")
        public static let markerSupplyLow = Reason(rawValue: "marker-supply-low")
        public static let markerWasteAlmostFull = Reason(rawValue: "marker-waste-almost-full")
        public static let opcNearEOL = Reason(rawValue: "opc-near-eol")

        /// Every condition above; any other known reason is a ``DeviceErrorCode``.
        public static let conditions: [Reason] = [
            .starting, .transferFailed, .readerMissing, .pcscdUnavailable, .selfTestFailed,
            .deviceUnreachable, .paused, .notAcceptingJobs,
            .mediaLow, .tonerLow, .markerSupplyLow, .markerWasteAlmostFull, .opcNearEOL,
        ]
    }
}
