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
        (PrinterStatus(state: .idle, reasons: ["media-empty-error"]), DeviceHealth(state: .userError, reason: "media-empty", action: .replenish)),
        (PrinterStatus(state: .idle, reasons: ["media-needed"]), DeviceHealth(state: .userError, reason: "media-empty", action: .replenish)),
        (PrinterStatus(state: .idle, reasons: ["media-low-warning"]), DeviceHealth(state: .online, reason: "media-low", action: .replenish)),
        (PrinterStatus(state: .processing, reasons: ["toner-low-report"]), DeviceHealth(state: .busy, reason: "toner-low", action: .replenish)),
        (PrinterStatus(state: .idle, reasons: ["toner-empty-error"]), DeviceHealth(state: .userError, reason: "toner-empty", action: .replenish)),
        (PrinterStatus(state: .idle, reasons: ["marker-supply-empty-error"]), DeviceHealth(state: .userError, reason: "marker-supply-empty", action: .replenish)),
        (PrinterStatus(state: .idle, reasons: ["marker-supply-low-warning"]), DeviceHealth(state: .online, reason: "marker-supply-low", action: .replenish)),
        (PrinterStatus(state: .stopped, reasons: ["media-jam-error"]), DeviceHealth(state: .userError, reason: "media-jam", action: .maintenance)),
        (PrinterStatus(state: .idle, reasons: ["door-open-error"]), DeviceHealth(state: .userError, reason: "door-open", action: .maintenance)),
        (PrinterStatus(state: .idle, reasons: ["cover-open"]), DeviceHealth(state: .userError, reason: "door-open", action: .maintenance)),
        (PrinterStatus(state: .idle, reasons: ["offline-report"]), DeviceHealth(state: .offline, reason: "offline", action: .reset)),
        (PrinterStatus(state: .processing, reasons: ["connecting-to-device"]), DeviceHealth(state: .offline, reason: "offline", action: .reset)),
        (PrinterStatus(state: .stopped, reasons: ["paused"]), DeviceHealth(state: .offline, reason: "paused", action: .maintenance)),
        (PrinterStatus(state: .idle, acceptingJobs: false), DeviceHealth(state: .offline, reason: "not-accepting-jobs", action: .maintenance)),
        (PrinterStatus(state: .idle, deviceReachable: false), DeviceHealth(state: .offline, reason: "device-unreachable", action: .reset)),
        (PrinterStatus(state: .idle, reasons: ["cups-missing-filter-warning"]), DeviceHealth(state: .online, reason: "queue-misconfigured", action: .configuration)),
        (PrinterStatus(state: .idle, reasons: ["cups-waiting-for-job-completed"]), .online),
        (PrinterStatus(state: .idle, reasons: ["vendor-specific-error"]), DeviceHealth(state: .hardwareError, reason: "vendor-specific", action: .maintenance)),
        // The most urgent reason wins: a jam before low toner, offline before everything.
        (PrinterStatus(state: .idle, reasons: ["toner-low-warning", "media-jam-error"]), DeviceHealth(state: .userError, reason: "media-jam", action: .maintenance)),
        (PrinterStatus(state: .idle, reasons: ["media-empty-error", "offline-report"]), DeviceHealth(state: .offline, reason: "offline", action: .reset)),
    ]

    @Test("each reason maps to the documented health", arguments: cases)
    func mapping(status: PrinterStatus, expected: DeviceHealth) {
        #expect(PrinterStateReasons.health(of: status) == expected)
    }

    @Test("a printer that cannot print now gives the job a matching error; warnings let it print")
    func blocking() {
        #expect(PrinterStateReasons.blockingError(PrinterStatus(state: .idle, reasons: ["media-low-warning"]), queue: "q") == nil)
        #expect(PrinterStateReasons.blockingError(PrinterStatus(state: .processing), queue: "q") == nil)
        #expect(PrinterStateReasons.blockingError(PrinterStatus(state: .idle, reasons: ["media-empty-error"]), queue: "q")?.code == "media-empty")
        #expect(PrinterStateReasons.blockingError(PrinterStatus(state: .idle, reasons: ["media-jam"]), queue: "q")?.code == "media-jam")
        #expect(PrinterStateReasons.blockingError(PrinterStatus(state: .stopped, reasons: ["paused"]), queue: "q")?.code == "printer-stopped")
        #expect(PrinterStateReasons.blockingError(PrinterStatus(state: .idle, acceptingJobs: false), queue: "q")?.code == "printer-stopped")
        #expect(PrinterStateReasons.blockingError(PrinterStatus(state: .idle, reasons: ["offline-report"]), queue: "q")?.code == "printer-offline")
        #expect(PrinterStateReasons.blockingError(PrinterStatus(state: .idle, deviceReachable: false), queue: "q")?.code == "printer-offline")
    }

    @Test("a printer's own word for an error refuses the job as hardware-fault, with the word in the detail")
    func unknownError() throws {
        let error = try #require(PrinterStateReasons.blockingError(PrinterStatus(state: .idle, reasons: ["vendor-specific-error"]), queue: "q"))
        #expect(error.code == "hardware-fault")
        #expect(error.action == .maintenance)
        #expect(error.detail == "the printer of queue q reports vendor-specific")
    }
}
