import Logging

/// A device as configured at this kiosk: the driver and what the kiosk uses it for.
public struct ManagedDevice: Sendable {
    public let device: any Device
    public let role: DeviceRole

    public init(_ device: any Device, role: DeviceRole) {
        self.device = device
        self.role = role
    }
}

/// Starts the kiosk's devices, keeps them going and merges what they report into one stream (after
/// CEN XFS4IoT's service model: status events apart from data events, a health with a recommended
/// action for every device).
///
/// ``run()`` supervises every device until its task is cancelled. A device whose `start` throws, or
/// that reports offline with action `reset`, is stopped and started again after a backoff
/// (``RestartBackoff``); on cancellation every device is stopped. Drivers do their blocking work on
/// their own threads and report through their sink; the manager only awaits, so it never blocks the
/// cooperative pool.
///
/// A device whose role does not fit its category, or whose id is taken, is not started: it shows in
/// ``snapshot()`` as offline with action `configuration`.
public actor DeviceManager {
    /// Every device's data and status events, in the order they were recorded. One consumer (the
    /// session); it ends when ``run()`` returns. When the consumer falls behind, the oldest events
    /// are dropped once `eventBufferSize` are waiting, and a warning is logged.
    public nonisolated let events: AsyncStream<DeviceEvent>

    private nonisolated let managed: [ManagedDevice]
    private nonisolated let registry: DeviceRegistry
    private nonisolated let backoff: RestartBackoff
    private nonisolated let logger: Logger
    private nonisolated let continuation: AsyncStream<DeviceEvent>.Continuation
    private var hasRun = false

    /// `families` says which category each role belongs to: DeviceKit's own, and any a driver
    /// module brings (``DeviceDrivers/families``).
    public init(devices: [ManagedDevice], families: DeviceFamilies = .builtIn, logger: Logger,
                backoff: RestartBackoff = .standard, eventBufferSize: Int = 256) {
        let (events, continuation) = AsyncStream.makeStream(
            of: DeviceEvent.self, bufferingPolicy: .bufferingNewest(max(1, eventBufferSize)))
        var seen = Set<String>()
        var slots: [DeviceRegistry.Slot] = []
        for entry in devices {
            let device = entry.device
            var problem: DeviceHealth?
            if families.category(of: entry.role) != device.category {
                problem = DeviceHealth(state: .offline, reason: .roleMismatch, action: .configuration)
                logger.error("device does not fit its role; it will not be started", metadata: [
                    "device": "\(device.id)", "role": "\(entry.role.rawValue)", "category": "\(device.category.rawValue)",
                ])
            } else if !seen.insert(device.id).inserted {
                problem = DeviceHealth(state: .offline, reason: .duplicateID, action: .configuration)
                logger.error("two devices share an id; the second will not be started", metadata: ["device": "\(device.id)"])
            }
            slots.append(DeviceRegistry.Slot(
                id: device.id, role: entry.role, category: device.category, driver: device.driver,
                model: device.model, misconfiguration: problem,
                health: problem ?? DeviceHealth(state: .offline, reason: .notStarted)))
        }
        self.events = events
        self.continuation = continuation
        managed = devices
        registry = DeviceRegistry(slots: slots, continuation: continuation, logger: logger)
        self.backoff = backoff
        self.logger = logger
    }

    // MARK: Running

    /// Starts every device and keeps them going until the calling task is cancelled; then stops them
    /// all, reports them offline (`stopped`) and ends ``events``. Runs once per manager.
    public func run() async {
        guard !hasRun else {
            logger.error("DeviceManager.run() called twice; the second call does nothing")
            return
        }
        hasRun = true
        logger.info("starting devices", metadata: ["count": "\(managed.count)"])
        await withDiscardingTaskGroup { group in
            for index in managed.indices {
                if case .misconfigured = registry.phase(index) { continue }
                group.addTask { await self.supervise(index) }
            }
        }
        logger.info("devices stopped")
        continuation.finish()
    }

    private nonisolated func supervise(_ index: Int) async {
        let device = managed[index].device
        let metadata: Logger.Metadata = ["device": "\(device.id)", "model": "\(device.model)"]
        var failures = 0
        var isFirstStart = true
        while !Task.isCancelled {
            if !isFirstStart { registry.update(index) { $0.restarts += 1 } }
            isFirstStart = false
            let (trouble, troubleContinuation) = AsyncStream.makeStream(
                of: DeviceHealth.Reason.self, bufferingPolicy: .bufferingNewest(1))
            let sink = registry.beginGeneration(index, trouble: troubleContinuation)
            do {
                try await device.start(sink: sink)
            } catch {
                registry.endGeneration(index)
                await device.stop()
                failures += 1
                let failure = Self.deviceError(error, otherwise: .startFailed)
                let delay = backoff.delay(afterFailure: failures)
                registry.publish(index, DeviceHealth(
                    state: .offline, reason: failure.code, action: failure.action == .none ? .reset : failure.action))
                logger.warning("device failed to start; retrying", metadata: metadata.merging([
                    "error": "\(failure)", "attempt": "\(failures)", "retry-in": "\(delay)",
                ]) { $1 })
                await pause(index, for: delay)
                continue
            }
            let startedAt = ContinuousClock.now
            logger.info("device started", metadata: metadata)
            // A driver that does not report its health on start is asked for it.
            registry.publish(index, await device.currentHealth(), onlyIfUnreported: true)

            var reason: DeviceHealth.Reason?
            for await why in trouble {
                reason = why
                break
            }
            registry.endGeneration(index)
            await device.stop()
            guard let reason, !Task.isCancelled else { break }
            if startedAt.duration(to: .now) >= backoff.resetAfter { failures = 0 }
            failures += 1
            let delay = backoff.delay(afterFailure: failures)
            logger.warning("device went offline; restarting it", metadata: metadata.merging([
                "reason": "\(reason)", "attempt": "\(failures)", "retry-in": "\(delay)",
            ]) { $1 })
            await pause(index, for: delay)
        }
        registry.endGeneration(index)
        await device.stop()
        registry.publish(index, DeviceHealth(state: .offline, reason: .stopped))
    }

    /// Waits out a backoff, or less if an operator's reset wakes the device.
    private nonisolated func pause(_ index: Int, for delay: Duration) async {
        let (wake, waker) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        registry.setWaker(index, waker)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: delay) }
            group.addTask {
                for await _ in wake { break }
            }
            await group.next()
            group.cancelAll()
        }
        registry.setWaker(index, nil)
    }

    static func deviceError(_ error: any Error, otherwise code: DeviceErrorCode) -> DeviceError {
        if let error = error as? DeviceError { return error }
        return DeviceError(code: code, action: .reset, detail: String(describing: error))
    }

    // MARK: Looking

    /// Every configured device, in configuration order, with the details each driver last saw
    /// (asked outside the registry's lock; a driver's answer never waits for its device).
    public func snapshot() -> [DeviceSnapshot] {
        var snapshots = registry.snapshots()
        for index in snapshots.indices where index < managed.count {
            // A misconfigured device was never started: whatever its driver holds is not its state.
            if case .misconfigured = registry.phase(index) { continue }
            snapshots[index].details = managed[index].device.currentDetails()
        }
        return snapshots
    }

    /// The best health among the devices with `role` (a usable one if any is), or nil when no
    /// device has that role. A flow asks this to decide whether it can be offered.
    public func health(of role: DeviceRole) -> DeviceHealth? {
        candidates(for: role, includingMisconfigured: true).first.map { registry.health($0) }
    }

    /// The printer for `role`, preferring a usable one. It counts its jobs in ``snapshot()``; its
    /// `start` and `stop` belong to the manager and are refused.
    public func printer(for role: DeviceRole) -> (any Printer)? {
        for index in candidates(for: role) {
            if let printer = managed[index].device as? any Printer {
                return Metered(printer, device: printer, tally: tally(index))
            }
        }
        return nil
    }

    /// The document scanner for `role`, preferring a usable one. It counts its pages in ``snapshot()``.
    public func documentScanner(for role: DeviceRole = .documentScanner) -> (any DocumentScanner)? {
        for index in candidates(for: role) {
            if let scanner = managed[index].device as? any DocumentScanner {
                return Metered(scanner, device: scanner, tally: tally(index))
            }
        }
        return nil
    }

    /// The identity reader for `role` that opens documents with the citizen's access key (a PC/SC
    /// passport reader), preferring a usable one. It counts its reads in ``snapshot()``.
    public func accessKeyIdentityReader(for role: DeviceRole = .identityReader) -> (any AccessKeyIdentityReader)? {
        for index in candidates(for: role) {
            if let reader = managed[index].device as? any AccessKeyIdentityReader {
                return Metered(reader, device: reader, tally: tally(index))
            }
        }
        return nil
    }

    /// The device for `role` as the driver made it, preferring a usable one, for a category that
    /// has no counted handle above (a family of another module). Its `start` and `stop` belong to
    /// the manager: a caller must not call them.
    public func device<Category>(for role: DeviceRole, as category: Category.Type) -> Category? {
        candidates(for: role).lazy.compactMap { self.managed[$0].device as? Category }.first
    }

    private func tally(_ index: Int) -> DeviceTally { DeviceTally(index: index, registry: registry) }

    /// The driver with `id`, e.g. for the demo to drive a simulated device.
    public func device(id: String) -> (any Device)? {
        managed.first { $0.device.id == id }?.device
    }

    /// Indices of the devices with `role`, healthiest first; well-configured ones only, unless asked.
    private func candidates(for role: DeviceRole, includingMisconfigured: Bool = false) -> [Int] {
        managed.indices
            .filter { index in
                guard managed[index].role == role else { return false }
                if !includingMisconfigured, case .misconfigured = registry.phase(index) { return false }
                return true
            }
            .map { (index: $0, rank: Self.rank(registry.health($0))) }
            .sorted { ($0.rank, $0.index) < ($1.rank, $1.index) }
            .map(\.index)
    }

    private static func rank(_ health: DeviceHealth) -> Int {
        switch health.state {
        case .online: 0
        case .busy: 1
        case .userError: 2
        case .offline: 3
        case .hardwareError: 4
        }
    }

    // MARK: Operator commands

    /// Exercises a device and reports the result as its health (`kioskctl self-test`).
    public func selfTest(id: String) async throws(DeviceError) -> DeviceHealth {
        let index = try index(of: id)
        if case .misconfigured(let health) = registry.phase(index) { return health }
        let health = await managed[index].device.selfTest()
        registry.publish(index, health)
        return health
    }

    /// Resets a device (`kioskctl reset`). A running device is reset by its driver, and restarted
    /// if that fails; a device waiting to be restarted is started at once.
    public func reset(id: String) async throws(DeviceError) {
        let index = try index(of: id)
        let device = managed[index].device
        switch registry.phase(index) {
        case .misconfigured(let health):
            throw DeviceError(code: health.reason?.errorCode ?? .misconfigured, action: .configuration,
                              detail: "device \(id) is not started: fix its configuration")
        case .waiting:
            logger.notice("operator reset: restarting now", metadata: ["device": "\(id)"])
            _ = registry.wake(index)
        case .running, .idle:
            logger.notice("operator reset", metadata: ["device": "\(id)"])
            do {
                try await device.reset()
            } catch {
                let failure = Self.deviceError(error, otherwise: .resetFailed)
                logger.warning("reset failed; restarting the device", metadata: ["device": "\(id)", "error": "\(failure)"])
                registry.requestRestart(index, reason: DeviceHealth.Reason(failure.code))
                throw failure
            }
        }
    }

    private func index(of id: String) throws(DeviceError) -> Int {
        guard let index = managed.firstIndex(where: { $0.device.id == id }) else {
            throw DeviceError(code: .unknownDevice, action: .configuration, detail: "no device has the id \(id)")
        }
        return index
    }
}
