/// The printer a flow gets from ``DeviceManager/printer(for:)``: the driver's own, with every job
/// counted in the manager's snapshot. Starting and stopping belong to the manager: `start` is
/// refused and `stop` does nothing, so a flow cannot release a device the manager holds.
final class MeteredPrinter: Printer {
    let base: any Printer
    private let index: Int
    private let registry: DeviceRegistry

    init(base: any Printer, index: Int, registry: DeviceRegistry) {
        self.base = base
        self.index = index
        self.registry = registry
    }

    var id: String { base.id }
    var category: DeviceCategory { base.category }
    var model: String { base.model }
    var driver: String { base.driver }

    func print(_ job: PrintJob) async -> PrintOutcome {
        let outcome = await base.print(job)
        registry.update(index) { counters in
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

    func start(sink: DeviceEventSink) async throws { throw managedByDeviceManager(id) }
    func stop() async {}
    func currentHealth() async -> DeviceHealth { await base.currentHealth() }
    func selfTest() async -> DeviceHealth { await base.selfTest() }
    func reset() async throws { try await base.reset() }
    func currentDetails() -> DeviceDetails? { base.currentDetails() }
}

/// The document scanner a flow gets from ``DeviceManager/documentScanner(for:)``, counting pages.
final class MeteredDocumentScanner: DocumentScanner {
    let base: any DocumentScanner
    private let index: Int
    private let registry: DeviceRegistry

    init(base: any DocumentScanner, index: Int, registry: DeviceRegistry) {
        self.base = base
        self.index = index
        self.registry = registry
    }

    var id: String { base.id }
    var category: DeviceCategory { base.category }
    var model: String { base.model }
    var driver: String { base.driver }

    func scan() async throws(DeviceError) -> [ScannedPage] {
        do {
            let pages = try await base.scan()
            registry.update(index) { $0.pagesScanned += pages.count }
            return pages
        } catch {
            // Nothing to scan is the citizen's next step, not a failure of the device.
            if error.code != .noDocuments { registry.update(index) { $0.jobsFailed += 1 } }
            throw error
        }
    }

    func start(sink: DeviceEventSink) async throws { throw managedByDeviceManager(id) }
    func stop() async {}
    func currentHealth() async -> DeviceHealth { await base.currentHealth() }
    func selfTest() async -> DeviceHealth { await base.selfTest() }
    func reset() async throws { try await base.reset() }
    func currentDetails() -> DeviceDetails? { base.currentDetails() }
}

func managedByDeviceManager(_ id: String) -> DeviceError {
    DeviceError(code: .managed, action: .configuration,
                detail: "device \(id) is started and stopped by DeviceManager, not through this handle")
}
