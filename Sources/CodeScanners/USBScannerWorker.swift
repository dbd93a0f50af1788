import CLibUSB
import DeviceKit
import Foundation
import Logging
import Synchronization

/// One started scanner: a libusb context on a thread of its own that runs
/// `libusb_handle_events`, hears scanners arrive and leave, holds the claimed interface and keeps one
/// interrupt-IN transfer in flight. Reports are decoded on that thread and codes go straight to the
/// sink, so nothing here blocks Swift's cooperative pool.
///
/// Everything below `// MARK: USB thread` is touched only on the USB thread (libusb calls its
/// callbacks from `libusb_handle_events` on the thread that runs it); the async side talks to it
/// only through `control`.
final class USBScannerWorker: @unchecked Sendable {
    private struct Control {
        var stopRequested = false
        var startWaiter: CheckedContinuation<Result<Void, DeviceError>, Never>?
        var finished = false
        var finishWaiters: [CheckedContinuation<Void, Never>] = []
        var health = DeviceHealth(state: .offline, reason: .starting, action: .none)
        var dropped = 0
        var rejected = 0
    }

    let settings: USBScannerSettings
    private let sink: DeviceEventSink
    private let logger: Logger
    private let control = Mutex(Control())

    init(settings: USBScannerSettings, sink: DeviceEventSink, logger: Logger) {
        self.settings = settings
        self.sink = sink
        self.logger = logger
        decoder = ScanReportDecoder(mode: settings.mode, maximumLength: settings.maximumCodeLength)
        limiter = ScanRateLimiter(perSecond: settings.scansPerSecond, burst: settings.scanBurst)
    }

    // MARK: Async side

    /// Starts the USB thread and waits until the scanner is claimed, or fails: not there within
    /// `arrivalWait`, refused, or cancelled.
    func start() async -> Result<Void, DeviceError> {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                control.withLock { $0.startWaiter = continuation }
                let thread = Thread { [self] in run() }
                thread.name = "usb-scanner"
                thread.start()
            }
        } onCancel: {
            requestStop()
        }
    }

    func requestStop() { control.withLock { $0.stopRequested = true } }

    /// Stops the USB thread and waits until it has released the scanner and closed libusb.
    func stop() async {
        requestStop()
        await withCheckedContinuation { continuation in
            let done = control.withLock { control -> Bool in
                if control.finished { return true }
                control.finishWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }

    var health: DeviceHealth { control.withLock { $0.health } }
    /// Codes dropped by the rate limit, and reports refused by the decoder, since start.
    var dropped: Int { control.withLock { $0.dropped } }
    var rejected: Int { control.withLock { $0.rejected } }

    // MARK: USB thread

    private var context: OpaquePointer?
    private var hotplugHandle: libusb_hotplug_callback_handle = 0
    private var usesHotplug = false
    private var claim: USBClaimedInterface?
    private var transfer: UnsafeMutablePointer<libusb_transfer>?
    private var buffer: UnsafeMutablePointer<UInt8>?
    private var transferInFlight = false
    private var consecutiveErrors = 0
    /// Why the claimed scanner must be let go, set by callbacks and acted on in the loop.
    private var lost: DeviceHealth.Reason?
    private var lostAt: ContinuousClock.Instant?
    private var needsClearHalt = false
    private var arrivals = 0
    private var departures: [(bus: UInt8, address: UInt8)] = []
    private var refusal: DeviceError?
    private var lastLookup: ContinuousClock.Instant?
    private var decoder: ScanReportDecoder
    private var limiter: ScanRateLimiter

    private func run() {
        var created: OpaquePointer?
        let status = libusb_init(&created)
        guard status == 0, let created else {
            finishStart(.failure(LibUSBError.deviceError(status, while: "initialising libusb")))
            finish()
            return
        }
        context = created
        registerHotplug()
        let deadline = ContinuousClock.now + settings.arrivalWait
        attachIfPresent()
        while !control.withLock({ $0.stopRequested }) {
            if control.withLock({ $0.startWaiter != nil }) {
                if claim != nil {
                    finishStart(.success(()))
                } else if let refusal, refusal.action == .configuration {
                    finishStart(.failure(refusal))
                    break
                } else if ContinuousClock.now >= deadline {
                    finishStart(.failure(refusal ?? DeviceError(
                        code: .disconnected, action: .reset,
                        detail: "no scanner \(hex(settings.vendor)):\(hex(settings.product)) \(selectionText) is plugged in")))
                    break
                }
            }
            var timeout = timeval(tv_sec: 0, tv_usec: 50_000)
            libusb_handle_events_timeout_completed(created, &timeout, nil)
            processPending()
        }
        teardown()
        finishStart(.failure(DeviceError(code: .stopped, action: .none, detail: "the scanner was stopped while starting")))
        finish()
    }

    private func registerHotplug() {
        guard settings.hotplug == .automatic, libusb_has_capability(UInt32(LIBUSB_CAP_HAS_HOTPLUG.rawValue)) != 0 else {
            logger.info("polling for the scanner: no hot-plug events", metadata: ["hotplug": "\(settings.hotplug.rawValue)"])
            return
        }
        let events = Int32(LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED.rawValue | LIBUSB_HOTPLUG_EVENT_DEVICE_LEFT.rawValue)
        let status = libusb_hotplug_register_callback(
            context, events, 0, Int32(settings.vendor), Int32(settings.product), LIBUSB_HOTPLUG_MATCH_ANY,
            hotplugCallback, Unmanaged.passUnretained(self).toOpaque(), &hotplugHandle)
        usesHotplug = status == 0
        if !usesHotplug {
            logger.warning("libusb refused a hot-plug callback; polling instead", metadata: ["error": "\(LibUSBError.name(status))"])
        }
    }

    fileprivate func hotplugEvent(_ device: OpaquePointer, arrived: Bool) {
        if arrived {
            arrivals += 1
        } else {
            departures.append((libusb_get_bus_number(device), libusb_get_device_address(device)))
        }
    }

    private func processPending() {
        for departure in departures where claim.map({ $0.bus == departure.bus && $0.address == departure.address }) == true {
            markLost(DeviceHealth.Reason(.disconnected))
        }
        departures.removeAll()
        if needsClearHalt, let claim, lost == nil {
            needsClearHalt = false
            libusb_clear_halt(claim.handle, claim.endpoint)
            submit()
        }
        if let reason = lost {
            // Let go only once libusb has handed the transfer back; a transfer that never comes back
            // (its URB lost with the device) is left to libusb rather than freed under it.
            let waited = lostAt.map { $0.duration(to: .now) > .seconds(1) } ?? true
            if !transferInFlight || waited { detach(reason) }
        }
        let lookupDue = lastLookup.map { $0.duration(to: .now) >= settings.pollInterval } ?? true
        if claim == nil && (arrivals > 0 || lookupDue) {
            arrivals = 0
            attachIfPresent()
        } else if claim != nil && !usesHotplug && lookupDue {
            lastLookup = .now
            if let context, USBDeviceLocator(settings: settings).find(in: context).map({ libusb_unref_device($0) }) == nil {
                markLost(DeviceHealth.Reason(.disconnected))
            }
        }
    }

    private func markLost(_ reason: DeviceHealth.Reason) {
        guard lost == nil, claim != nil else { return }
        lost = reason
        lostAt = .now
        if transferInFlight, let transfer { libusb_cancel_transfer(transfer) }
    }

    private func attachIfPresent() {
        lastLookup = .now
        guard claim == nil, let context, let device = USBDeviceLocator(settings: settings).find(in: context) else { return }
        defer { libusb_unref_device(device) }
        do {
            let claimed = try USBClaimedInterface(device: device, wanted: settings.interface)
            claim = claimed
            refusal = nil
            lost = nil
            lostAt = nil
            consecutiveErrors = 0
            decoder.reset()
            buffer = .allocate(capacity: claimed.packetSize)
            transfer = libusb_alloc_transfer(0)
            logger.info("scanner claimed", metadata: [
                "bus": "\(claimed.bus)", "address": "\(claimed.address)", "interface": "\(claimed.interface)",
                "mode": "\(settings.mode.rawValue)",
            ])
            report(.online)
            submit()
        } catch {
            if refusal != error {
                logger.warning("scanner found but not claimed", metadata: ["error": "\(error)"])
            }
            refusal = error
        }
    }

    private func submit() {
        guard let claim, let transfer, let buffer else { return }
        libusb_fill_interrupt_transfer(transfer, claim.handle, claim.endpoint, buffer, Int32(claim.packetSize),
                                       transferCallback, Unmanaged.passUnretained(self).toOpaque(), 0)
        let status = libusb_submit_transfer(transfer)
        transferInFlight = status == 0
        if status != 0 { markLost(status == LIBUSB_ERROR_NO_DEVICE.rawValue ? DeviceHealth.Reason(.disconnected) : .transferFailed) }
    }

    fileprivate func transferDone(_ transfer: UnsafeMutablePointer<libusb_transfer>) {
        guard transfer == self.transfer else {
            // A transfer given up on when its device went (see releaseClaim) came back after all:
            // it is ours to free now, and says nothing about the device claimed since.
            transfer.pointee.buffer?.deallocate()
            libusb_free_transfer(transfer)
            return
        }
        transferInFlight = false
        switch transfer.pointee.status {
        case LIBUSB_TRANSFER_COMPLETED:
            consecutiveErrors = 0
            let count = Int(max(0, transfer.pointee.actual_length))
            handleReport(UnsafeBufferPointer(start: transfer.pointee.buffer, count: count))
            if lost == nil { submit() }
        case LIBUSB_TRANSFER_CANCELLED:
            break
        case LIBUSB_TRANSFER_NO_DEVICE:
            lost = lost ?? DeviceHealth.Reason(.disconnected)
        case LIBUSB_TRANSFER_STALL:
            needsClearHalt = true
        default:
            consecutiveErrors += 1
            if consecutiveErrors < 5 && lost == nil {
                submit()
            } else {
                lost = lost ?? .transferFailed
            }
        }
    }

    private func handleReport(_ report: UnsafeBufferPointer<UInt8>) {
        let codes: [[UInt8]]
        do {
            codes = try decoder.feed(report)
        } catch {
            control.withLock { $0.rejected += 1 }
            logger.warning("scanner report refused", metadata: ["error": "\(error.code)", "detail": "\(error)"])
            return
        }
        for code in codes {
            switch limiter.admit(at: .now) {
            case .allowed:
                sink.data(.codeScanned(code))
            case .droppedFirst:
                control.withLock { $0.dropped += 1 }
                logger.warning("scanner is sending codes faster than allowed; dropping the excess until it slows", metadata: [
                    "scans-per-second": "\(settings.scansPerSecond)", "burst": "\(settings.scanBurst)",
                ])
            case .dropped:
                control.withLock { $0.dropped += 1 }
            }
        }
    }

    /// Lets the scanner go after it left or failed: a partial code is discarded, health goes offline.
    private func detach(_ reason: DeviceHealth.Reason) {
        if decoder.hasPartialCode { logger.info("partial code discarded", metadata: ["reason": "\(reason)"]) }
        decoder.reset()
        releaseClaim(deviceGone: reason.errorCode == .disconnected)
        lost = nil
        lostAt = nil
        needsClearHalt = false
        logger.warning("scanner lost", metadata: ["reason": "\(reason)"])
        report(DeviceHealth(state: .offline, reason: reason, action: .reset))
    }

    private func releaseClaim(deviceGone: Bool) {
        if let transfer {
            if transferInFlight {
                // libusb still owns it; freeing it would be a use-after-free when it comes back.
                logger.warning("a transfer did not come back; leaving it to libusb")
            } else {
                libusb_free_transfer(transfer)
                buffer?.deallocate()
            }
        }
        transfer = nil
        buffer = nil
        transferInFlight = false
        claim?.release(deviceGone: deviceGone)
        claim = nil
    }

    private func teardown() {
        if transferInFlight, let transfer, let context {
            libusb_cancel_transfer(transfer)
            let deadline = ContinuousClock.now + .seconds(1)
            while transferInFlight && ContinuousClock.now < deadline {
                var timeout = timeval(tv_sec: 0, tv_usec: 50_000)
                libusb_handle_events_timeout_completed(context, &timeout, nil)
            }
        }
        let leaked = transferInFlight
        releaseClaim(deviceGone: false)
        if usesHotplug { libusb_hotplug_deregister_callback(context, hotplugHandle) }
        // A transfer libusb never handed back keeps the context alive; exiting would free it under libusb.
        if !leaked { libusb_exit(context) }
        context = nil
        report(DeviceHealth(state: .offline, reason: .stopped, action: .none), send: false)
    }

    private func report(_ health: DeviceHealth, send: Bool = true) {
        let changed = control.withLock { control -> Bool in
            defer { control.health = health }
            return control.health != health
        }
        if changed && send { sink.status(health) }
    }

    private func finishStart(_ result: Result<Void, DeviceError>) {
        let waiter = control.withLock { control in
            defer { control.startWaiter = nil }
            return control.startWaiter
        }
        waiter?.resume(returning: result)
    }

    private func finish() {
        let waiters = control.withLock { control in
            control.finished = true
            defer { control.finishWaiters = [] }
            return control.finishWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    private var selectionText: String {
        switch settings.selection {
        case .any: ""
        case .busAddress(let bus, let address): "at bus \(bus) address \(address)"
        case .serial: "with the configured serial number"
        }
    }

    private func hex(_ value: UInt16) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}

private let hotplugCallback: libusb_hotplug_callback_fn = { _, device, event, userData in
    guard let device, let userData else { return 0 }
    let worker = Unmanaged<USBScannerWorker>.fromOpaque(userData).takeUnretainedValue()
    worker.hotplugEvent(device, arrived: event == LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED)
    return 0
}

private let transferCallback: libusb_transfer_cb_fn = { transfer in
    guard let transfer, let userData = transfer.pointee.user_data else { return }
    Unmanaged<USBScannerWorker>.fromOpaque(userData).takeUnretainedValue().transferDone(transfer)
}
