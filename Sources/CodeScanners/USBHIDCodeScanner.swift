import DeviceKit
import Logging
import Synchronization

/// A USB HID barcode/QR scanner read through libusb, in keyboard-wedge or HID POS mode (the
/// catalog's `report-mode` quirk). Each complete code goes out as `.codeScanned(bytes)`; codes over
/// the rate limit are dropped and counted while the scanner stays online.
///
/// Unplugging it reports offline with action `reset` and drops a partial code; DeviceManager then
/// restarts it, and `start` waits up to ``USBScannerSettings/arrivalWait`` for it to come back, so
/// it is claimed again as soon as it is plugged in. A unit still plugged in but lost by a hot-plug
/// event the kiosk missed is found by the periodic look-up.
public final class USBHIDCodeScanner: CodeScanner {
    public let id: String
    public let model: String
    public var driver: String { "usb-hid" }
    public let settings: USBScannerSettings

    private struct State {
        var worker: USBScannerWorker?
        var sink: DeviceEventSink?
    }

    private let state = Mutex(State())
    private let logger: Logger

    public init(id: String, model: String, settings: USBScannerSettings, logger: Logger? = nil) {
        self.id = id
        self.model = model
        self.settings = settings
        var logger = logger ?? Logger(label: "kiosk.usb-scanner")
        logger[metadataKey: "device"] = "\(id)"
        self.logger = logger
    }

    public func start(sink: DeviceEventSink) async throws {
        await stop()
        let worker = USBScannerWorker(settings: settings, sink: sink, logger: logger)
        state.withLock { $0 = State(worker: worker, sink: sink) }
        if case .failure(let error) = await worker.start() {
            await worker.stop()
            state.withLock { state in
                if state.worker === worker { state.worker = nil }
            }
            throw error
        }
    }

    public func stop() async {
        let worker = state.withLock { state in
            defer { state.worker = nil }
            return state.worker
        }
        await worker?.stop()
    }

    public func currentHealth() async -> DeviceHealth {
        state.withLock { $0.worker?.health } ?? DeviceHealth(state: .offline, reason: .notStarted)
    }

    /// A HID scanner has no status to query; its health is whether it is claimed and reading.
    public func selfTest() async -> DeviceHealth { await currentHealth() }

    /// Lets the scanner go and claims it again.
    public func reset() async throws {
        guard let sink = state.withLock({ $0.sink }) else {
            throw DeviceError(code: .notStarted, action: .none, detail: "scanner \(id) is not started")
        }
        try await start(sink: sink)
    }

    /// Codes dropped by the rate limit since the last start.
    public var droppedScans: Int { state.withLock { $0.worker?.dropped } ?? 0 }
    /// Reports refused by the decoder (malformed, too long) since the last start.
    public var rejectedReports: Int { state.withLock { $0.worker?.rejected } ?? 0 }
}
