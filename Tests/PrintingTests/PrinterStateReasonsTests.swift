import DeviceKit
import Printing
import PrintingTestBed
import Testing

@Suite("printer-state-reasons to health")
struct PrinterStateReasonsTests {
    static let cases: [(PrinterStatus, DeviceHealth)] = [
        (PrinterStatus(state: .idle), .online),
        (PrinterStatus(state: .idle, reasons: ["none"]), .online),
        (PrinterStatus(state: .processing), DeviceHealth(state: .busy)),
        (PrinterStatus(state: .idle, reasons: ["media-empty-error"]), DeviceHealth(state: .userError, reason: .mediaEmpty, action: .replenish)),
        (PrinterStatus(state: .idle, reasons: ["media-needed"]), DeviceHealth(state: .userError, reason: .mediaEmpty, action: .replenish)),
        (PrinterStatus(state: .idle, reasons: ["media-low-warning"]), DeviceHealth(state: .online, reason: .mediaLow, action: .replenish)),
        (PrinterStatus(state: .processing, reasons: ["toner-low-report"]), DeviceHealth(state: .busy, reason: .tonerLow, action: .replenish)),
        (PrinterStatus(state: .idle, reasons: ["toner-empty-error"]), DeviceHealth(state: .userError, reason: .tonerEmpty, action: .replenish)),
        (PrinterStatus(state: .idle, reasons: ["marker-supply-empty-error"]), DeviceHealth(state: .userError, reason: .markerSupplyEmpty, action: .replenish)),
        (PrinterStatus(state: .idle, reasons: ["marker-supply-low-warning"]), DeviceHealth(state: .online, reason: .markerSupplyLow, action: .replenish)),
        (PrinterStatus(state: .stopped, reasons: ["media-jam-error"]), DeviceHealth(state: .userError, reason: .mediaJam, action: .maintenance)),
        (PrinterStatus(state: .idle, reasons: ["door-open-error"]), DeviceHealth(state: .userError, reason: .doorOpen, action: .maintenance)),
        (PrinterStatus(state: .idle, reasons: ["cover-open"]), DeviceHealth(state: .userError, reason: .doorOpen, action: .maintenance)),
        (PrinterStatus(state: .idle, reasons: ["offline-report"]), DeviceHealth(state: .offline, reason: .offline, action: .reset)),
        (PrinterStatus(state: .processing, reasons: ["connecting-to-device"]), DeviceHealth(state: .offline, reason: .offline, action: .reset)),
        (PrinterStatus(state: .stopped, reasons: ["paused"]), DeviceHealth(state: .offline, reason: .paused, action: .maintenance)),
        (PrinterStatus(state: .idle, acceptingJobs: false), DeviceHealth(state: .offline, reason: .notAcceptingJobs, action: .maintenance)),
        (PrinterStatus(state: .idle, deviceReachable: false), DeviceHealth(state: .offline, reason: .deviceUnreachable, action: .reset)),
        (PrinterStatus(state: .idle, reasons: ["cups-missing-filter-warning"]), DeviceHealth(state: .online, reason: .queueMisconfigured, action: .configuration)),
        (PrinterStatus(state: .idle, reasons: ["cups-waiting-for-job-completed"]), .online),
        (PrinterStatus(state: .idle, reasons: ["vendor-specific-error"]), DeviceHealth(state: .hardwareError, reason: DeviceHealth.Reason(rawValue: "vendor-specific"), action: .maintenance)),
        // The most urgent reason wins: a jam before low toner, offline before everything.
        (PrinterStatus(state: .idle, reasons: ["toner-low-warning", "media-jam-error"]), DeviceHealth(state: .userError, reason: .mediaJam, action: .maintenance)),
        (PrinterStatus(state: .idle, reasons: ["media-empty-error", "offline-report"]), DeviceHealth(state: .offline, reason: .offline, action: .reset)),
    ]

    @Test("each reason maps to the documented health", arguments: cases)
    func mapping(status: PrinterStatus, expected: DeviceHealth) {
        #expect(PrinterStateReasons.health(of: status) == expected)
    }

    @Test("a printer that cannot print now gives the job a matching error; warnings let it print")
    func blocking() {
        #expect(PrinterStateReasons.blockingError(PrinterStatus(state: .idle, reasons: ["media-low-warning"]), queue: "q") == nil)
        #expect(PrinterStateReasons.blockingError(PrinterStatus(state: .processing), queue: "q") == nil)
        #expect(PrinterStateReasons.blockingError(PrinterStatus(state: .idle, reasons: ["media-empty-error"]), queue: "q")?.code == .mediaEmpty)
        #expect(PrinterStateReasons.blockingError(PrinterStatus(state: .idle, reasons: ["media-jam"]), queue: "q")?.code == .mediaJam)
        #expect(PrinterStateReasons.blockingError(PrinterStatus(state: .stopped, reasons: ["paused"]), queue: "q")?.code == .printerStopped)
        #expect(PrinterStateReasons.blockingError(PrinterStatus(state: .idle, acceptingJobs: false), queue: "q")?.code == .printerStopped)
        #expect(PrinterStateReasons.blockingError(PrinterStatus(state: .idle, reasons: ["offline-report"]), queue: "q")?.code == .printerOffline)
        #expect(PrinterStateReasons.blockingError(PrinterStatus(state: .idle, deviceReachable: false), queue: "q")?.code == .printerOffline)
    }

    @Test("a printer's own word for an error refuses the job as hardware-fault, with the word in the detail")
    func unknownError() throws {
        let error = try #require(PrinterStateReasons.blockingError(PrinterStatus(state: .idle, reasons: ["vendor-specific-error"]), queue: "q"))
        #expect(error.code == .hardwareFault)
        #expect(error.action == .maintenance)
        #expect(error.detail == "the printer of queue q reports vendor-specific")
    }
}
