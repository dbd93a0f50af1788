import DeviceKit
import Foundation
import ScannedDocuments
import Synchronization

/// A document scanner that SANE drives (catalog driver `sane`): a flatbed or a feeder scanner,
/// named by its SANE device name (`connection.device` in kiosk.yaml, e.g. `test:0`).
///
/// Every SANE call runs on the process's one SANE thread (``SANERuntime``); each scan opens the
/// device, sets its options, reads the pages and closes it again, so nothing stays claimed between
/// citizens. Health comes from the statuses SANE reports (cover open, jam, busy, I/O error, …; see
/// docs/drivers/sane.md) and from a cheap self-test that opens and closes the device.
public final class SANEDocumentScanner: DocumentScanner {
    public let id: String
    public let model: String
    public var driver: String { "sane" }
    /// The SANE device name.
    public let deviceName: String
    public let settings: ScanSettings

    private struct State {
        var sink: DeviceEventSink?
        var health: DeviceHealth = .online
        var reported: DeviceHealth?
        /// Set while a scan runs; cancelling it stops that scan.
        var scan: ScanCancellation?

        /// Sends the health if it changed since last sent.
        mutating func report(_ newHealth: DeviceHealth) {
            health = newHealth
            guard let sink, newHealth != reported else { return }
            reported = newHealth
            sink.status(newHealth)
        }
    }

    private let state = Mutex(State())
    private let runtime: SANERuntime

    public init(id: String, model: String = "sane-generic", deviceName: String, settings: ScanSettings = ScanSettings(),
                runtime: SANERuntime = .shared) {
        self.id = id
        self.model = model
        self.deviceName = deviceName
        self.settings = settings
        self.runtime = runtime
    }

    // MARK: Scanning

    public func scan() async throws(DeviceError) -> [ScannedPage] {
        try await scan(progress: { _ in })
    }

    /// Scans with these settings (the device's own by default), reporting progress from the SANE
    /// thread. Cancelling the calling task, or ``cancel()``, stops the scan between reads.
    public func scan(settings: ScanSettings? = nil,
                     progress: @escaping @Sendable (ScanProgress) -> Void) async throws(DeviceError) -> [ScannedPage] {
        let raw = try await scanRaw(settings: settings ?? self.settings, progress: progress)
        var pages: [ScannedPage] = []
        for page in raw { pages.append(try PNGEncoder.scannedPage(page)) }
        return pages
    }

    /// Scans and returns the pages as SANE sent them, normalised (for encoders other than PNG).
    public func scanRaw(settings: ScanSettings, progress: @escaping @Sendable (ScanProgress) -> Void) async throws(DeviceError) -> [RawPage] {
        let cancellation = ScanCancellation()
        try state.withLock { state throws(DeviceError) in
            guard state.sink != nil else {
                throw DeviceError(code: .notStarted, action: .reset, detail: "scanner \(id) is not started")
            }
            guard state.scan == nil else {
                throw DeviceError(code: .busy, action: .retry, detail: "scanner \(id) is already scanning")
            }
            state.scan = cancellation
            state.report(DeviceHealth(state: .busy))
        }
        let job = SANEScanJob(deviceName: deviceName, settings: settings, cancellation: cancellation, progress: progress)
        let result: Result<[RawPage], DeviceError> = await withTaskCancellationHandler {
            do throws(DeviceError) {
                return .success(try await runtime.perform { context throws(DeviceError) in try job.run(context) })
            } catch {
                return .failure(error)
            }
        } onCancel: {
            cancellation.cancel()
        }
        state.withLock { state in
            state.scan = nil
            switch result {
            case .success: state.report(.online)
            case .failure(let error): state.report(Self.health(after: error))
            }
        }
        return try result.get()
    }

    /// Stops the scan in progress, if any; it ends with the `cancelled` error.
    public func cancel() {
        state.withLock { $0.scan?.cancel() }
    }

    // MARK: Device

    public func start(sink: DeviceEventSink) async throws {
        // Opening once tells a missing or misnamed device at start; DeviceManager retries.
        let health = try await probe()
        state.withLock { state in
            state.sink = sink
            state.reported = nil
            state.report(health)
        }
    }

    public func stop() async {
        state.withLock { state in
            state.scan?.cancel()
            state.sink = nil
        }
    }

    public func currentHealth() async -> DeviceHealth {
        state.withLock { $0.health }
    }

    public func selfTest() async -> DeviceHealth {
        let health: DeviceHealth
        do {
            health = try await probe()
        } catch {
            health = Self.health(after: error)
        }
        return state.withLock { state in
            // A scan running now knows better than an open that had to wait for it.
            guard state.scan == nil else { return state.health }
            state.report(health)
            return health
        }
    }

    public func reset() async throws {
        cancel()
        do {
            let health = try await probe()
            state.withLock { $0.report(health) }
        } catch {
            state.withLock { $0.report(Self.health(after: error)) }
            throw error
        }
    }

    /// Opens and closes the device on the SANE thread: the cheap check that it is there.
    private func probe() async throws(DeviceError) -> DeviceHealth {
        let name = deviceName
        try await runtime.perform { context throws(DeviceError) in
            let device = try context.open(name)
            device.close()
        }
        return .online
    }

    /// The health a failed scan or open leaves the scanner in. Errors that say nothing about the
    /// device (a cancel, an empty feeder, a setting it lacks) leave it online.
    static func health(after error: DeviceError) -> DeviceHealth {
        switch error.code {
        case .notFound: .offline(.notFound)
        case .badImage: DeviceHealth(state: .offline, reason: error.code, action: .reset)
        default: SANEStatus.failures.first { $0.code == error.code }?.health ?? .online
        }
    }
}
