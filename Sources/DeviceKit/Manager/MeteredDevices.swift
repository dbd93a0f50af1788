/// A device a flow gets from DeviceManager: the driver's own, with its work counted in the manager's
/// snapshot. Starting and stopping belong to the manager: `start` is refused and `stop` does
/// nothing, so a flow cannot release a device the manager holds; the rest is the driver's. `Base`
/// is the category's protocol (`any Printer`…), whose work the extensions below count.
final class Metered<Base: Sendable>: Device {
    let base: Base
    /// The same driver, as a device.
    private let device: any Device
    private let tally: DeviceTally

    init(_ base: Base, device: any Device, tally: DeviceTally) {
        self.base = base
        self.device = device
        self.tally = tally
    }

    var id: String { device.id }
    var category: DeviceCategory { device.category }
    var model: String { device.model }
    var driver: String { device.driver }

    func start(sink: DeviceEventSink) async throws { throw managedByDeviceManager(id) }
    func stop() async {}
    func currentHealth() async -> DeviceHealth { await device.currentHealth() }
    func selfTest() async -> DeviceHealth { await device.selfTest() }
    func reset() async throws { try await device.reset() }
    func currentDetails() -> DeviceDetails? { device.currentDetails() }

    fileprivate func count(_ update: (inout DeviceCounters) -> Void) { tally.count(update) }
}

/// The printer a flow gets from ``DeviceManager/printer(for:)``, with every job counted.
extension Metered: Printer where Base == any Printer {
    func print(_ job: PrintJob) async -> PrintOutcome {
        let outcome = await base.print(job)
        count { counters in
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
extension Metered: DocumentScanner where Base == any DocumentScanner {
    func scan() async throws(DeviceError) -> [ScannedPage] {
        do {
            let pages = try await base.scan()
            count { $0.pagesScanned += pages.count }
            return pages
        } catch {
            // Nothing to scan is the citizen's next step, not a failure of the device.
            if error.code != .noDocuments { count { $0.jobsFailed += 1 } }
            throw error
        }
    }
}

/// The passport reader a flow gets from ``DeviceManager/accessKeyIdentityReader(for:)``, with reads
/// counted like a card reader's events. A wrong key or an empty reader is the citizen's next step,
/// not a failure of the device.
extension Metered: IdentityReader, AccessKeyIdentityReader where Base == any AccessKeyIdentityReader {
    func read(accessKey: DocumentAccessKey) async throws(DeviceError) -> Identity {
        do {
            let identity = try await base.read(accessKey: accessKey)
            count { $0.cardsRead += 1 }
            return identity
        } catch {
            if ![.accessDenied, .noDocument].contains(error.code) { count { $0.readFailures += 1 } }
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
