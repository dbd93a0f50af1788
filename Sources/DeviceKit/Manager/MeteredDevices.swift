/// A device a flow gets from DeviceManager: the driver's own, with its work counted in the manager's
/// snapshot. Starting and stopping belong to the manager: `start` is refused and `stop` does
/// nothing, so a flow cannot release a device the manager holds; the rest is the driver's.
protocol MeteredDevice: Device {
    /// The driver's own device.
    var device: any Device { get }
}

extension MeteredDevice {
    var id: String { device.id }
    var model: String { device.model }
    var driver: String { device.driver }

    func start(sink: DeviceEventSink) async throws { throw managedByDeviceManager(id) }
    func stop() async {}
    func currentHealth() async -> DeviceHealth { await device.currentHealth() }
    func selfTest() async -> DeviceHealth { await device.selfTest() }
    func reset() async throws { try await device.reset() }
    func currentDetails() -> DeviceDetails? { device.currentDetails() }
}

/// The printer a flow gets from ``DeviceManager/printer(for:)``, with every job counted.
final class MeteredPrinter: Printer, MeteredDevice {
    let base: any Printer
    private let tally: DeviceTally

    init(base: any Printer, tally: DeviceTally) {
        self.base = base
        self.tally = tally
    }

    var device: any Device { base }

    func print(_ job: PrintJob) async -> PrintOutcome {
        let outcome = await base.print(job)
        tally.count { counters in
            switch outcome {
            case .completed:
                counters.jobsPrinted += 1
                counters.pagesPrinted += max(0, job.pages)
            case .failed:
                counters.jobsFailed += 1
            }
        }
        return outcome
    }
}

/// The document scanner a flow gets from ``DeviceManager/documentScanner(for:)``, counting pages.
final class MeteredDocumentScanner: DocumentScanner, MeteredDevice {
    let base: any DocumentScanner
    private let tally: DeviceTally

    init(base: any DocumentScanner, tally: DeviceTally) {
        self.base = base
        self.tally = tally
    }

    var device: any Device { base }

    func scan() async throws(DeviceError) -> [ScannedPage] {
        do {
            let pages = try await base.scan()
            tally.count { $0.pagesScanned += pages.count }
            return pages
        } catch {
            // Nothing to scan is the citizen's next step, not a failure of the device.
            if error.code != .noDocuments { tally.count { $0.jobsFailed += 1 } }
            throw error
        }
    }
}

/// Where a metered handle counts its device's work: the device's slot in the manager's registry.
struct DeviceTally: Sendable {
    let index: Int
    let registry: DeviceRegistry

    func count(_ update: (inout DeviceCounters) -> Void) { registry.update(index, update) }
}

func managedByDeviceManager(_ id: String) -> DeviceError {
    DeviceError(code: .managed, action: .configuration,
                detail: "device \(id) is started and stopped by DeviceManager, not through this handle")
}
