import DeviceKit
import Flows
import Foundation
import KioskControl
import Logging
import Outbox
import OutboxStatus
import RemoteWindow
import ScreenModel
import ServiceLifecycle
import Synchronization
import TerminalUI
import UnixSignals
import YAMLData

/// The kiosk's heart: one loop that owns the citizen's session, feeds it device events, keys and
/// time, performs the actions it asks for, and publishes its screen to every viewer.
public final class KioskRuntime: Service, Sendable {
    public let settings: RuntimeSettings
    public let content: KioskContent
    public let store: KioskStore
    public let devices: DeviceManager
    public let screen = ScreenHub()
    /// The screen for the remote window, plain and masked; rendered only while someone watches.
    public let mirror = MirrorFeed()
    public let simulator: Simulator?
    public let metrics: KioskMetrics
    /// Whether the platform answers, as the uploader and the pickup sync last found it.
    public let platformLink: PlatformLink
    /// Tells the service manager what the kiosk is doing (systemd's STATUS=).
    let reportStatus: @Sendable (String) -> Void
    let logger: Logger
    public let renderer = ScreenRenderer()
    /// The handlers of what the session asks for, one per concern.
    let outbox: OutboxWriter
    public let pickups: PickupDesk
    public let printDesk: PrintDesk
    let submissions: SubmissionDesk
    private let inputs: AsyncStream<RuntimeInput>
    private let inputContinuation: AsyncStream<RuntimeInput>.Continuation
    private let snapshot: Mutex<Snapshot>
    /// The remote window, once its server is built; nil when no remote window is configured.
    private let remoteWindowLink = Mutex<(any RemoteWindowLink)?>(nil)
    /// Operators' `Identity.Verify` requests waiting for a document to be presented.
    public let identityCheck = IdentityCheck()
    /// When the loop last finished an input; the watchdog reads it to see the loop is not stuck.
    private let loopTurned = Heartbeat()
    private let started = ContinuousClock.now

    struct Snapshot {
        var position = Session.Position(flow: KioskContent.homeFlow, step: "")
        var idle = true
        var outOfService = false
        var language = Language.zhHans
        var online: Bool?
        /// The visit's identity document, for `Identity.Verify`; nil once the visit ends.
        var identity: Identity?
        var visits = 0
        var columns: Int
        var rows: Int
    }

    public init(settings: RuntimeSettings, content: KioskContent, store: KioskStore,
                devices: DeviceManager, simulator: Simulator?, reportStatus: @escaping @Sendable (String) -> Void = { _ in },
                metrics: KioskMetrics = KioskMetrics(), platformLink: PlatformLink = PlatformLink(.notConfigured),
                logger: Logger) {
        self.metrics = metrics
        self.reportStatus = reportStatus
        self.platformLink = platformLink
        self.settings = settings
        self.content = content
        self.store = store
        self.devices = devices
        self.simulator = simulator
        self.logger = logger
        outbox = OutboxWriter(store: store, kioskID: settings.kioskID, metrics: metrics, logger: logger)
        pickups = PickupDesk(store: store, keys: HolderKeys(salt: settings.holderKeySalt), outbox: outbox, logger: logger)
        printDesk = PrintDesk(devices: devices, kioskID: settings.kioskID, receiptResultURL: settings.receiptResultURL,
                              metrics: metrics, logger: logger)
        submissions = SubmissionDesk(store: store, outbox: outbox, logger: logger)
        (inputs, inputContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(4096))
        snapshot = Mutex(Snapshot(columns: settings.columns, rows: settings.rows))
    }

    /// Hands an input to the loop. Safe from any thread.
    public func send(_ input: RuntimeInput) {
        inputContinuation.yield(input)
    }

    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await loop()
        } onGracefulShutdown: {
            self.inputContinuation.finish()
        }
        screen.detachAll()
        mirror.stopAll()
    }

    private func loop() async throws {
        var sessionSettings = settings.session
        if simulator != nil { sessionSettings.statusHint = Simulator.keyHint }
        var session = Session(content: content, settings: sessionSettings)
        var visit = 0
        /// Flows and texts reloaded while a citizen was being served wait for the visit to end.
        var pendingContent: KioskContent?
        /// The button just tapped, drawn pressed for a moment, and how many taps there were.
        var pressed: HitMap.Region?
        var taps = 0
        publish(session, visit: visit)
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await _ in await UnixSignalsSequence(trapping: .sighup) {
                    switch self.reloadContent() {
                    case .success(let message): self.logger.notice("SIGHUP: \(message)")
                    case .failure(let problems): self.logger.error("SIGHUP: kept the running flows and texts; the new ones have problems:\n\(problems)")
                    }
                }
            }
            group.addTask { await self.devices.run() }
            group.addTask {
                for await event in self.devices.events { self.send(.device(event)) }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    self.send(.tick)
                }
            }
            for await input in inputs {
                var events: [SessionEvent] = []
                switch input {
                case .key(var key):
                    if let (column, row, release) = key.pointedCells {
                        // A tap on nothing does nothing; on a button it is that button's key. A
                        // finger that lifts off another cell than the button's taps nothing.
                        guard let button = screen.button(atColumn: column, row: row),
                              button.rect.contains(column: release.column, row: release.row) else { break }
                        key = button.key
                        pressed = button
                        taps += 1
                        let tap = taps
                        group.addTask {
                            try? await Task.sleep(for: Self.pressedLook)
                            self.send(.releasePress(tap))
                        }
                    }
                    // The demo's device keys give way to a button on the screen that sends the same key.
                    if let simulator, let action = Simulator.action(for: key), !screen.hasButton(for: key) {
                        simulator.perform(action)
                    } else {
                        events.append(.key(key))
                    }
                case .device(let event):
                    events += sessionEvents(for: event)
                case .tick:
                    events.append(.tick)
                case .answer(let event, let tag):
                    if tag == visit { events.append(event) }
                case .pause(let value):
                    events.append(.paused(value))
                    reportStatus(value ? "paused by an operator" : "serving")
                case .reload(let content):
                    if session.isIdle {
                        session = session.replacingContent(content)
                    } else {
                        pendingContent = content
                    }
                case .connectivity(let online):
                    events.append(.connectivity(online))
                case .remote(let event):
                    events.append(.remote(event))
                case .releasePress(let tap):
                    if tap == taps { pressed = nil }
                case .wedgeLoop:
                    logger.critical("the session loop hangs on request (the demo's watchdog drill)")
                    sleep(3600)
                case .resize(let columns, let rows):
                    snapshot.withLock {
                        $0.columns = max(columns, 20)
                        $0.rows = max(rows, 8)
                    }
                }
                for event in events {
                    let flowBefore = session.position.flow
                    let actions = session.handle(event)
                    for action in actions {
                        if case .sessionEnded = action {
                            visit += 1
                            updateVisits(visit)
                        }
                        perform(action, session: session, flowBefore: flowBefore, visit: visit, group: &group)
                    }
                }
                if let content = pendingContent, session.isIdle {
                    session = session.replacingContent(content)
                    pendingContent = nil
                    logger.notice("reloaded flows and texts are in use")
                }
                publish(session, visit: visit, pressed: pressed)
                loopTurned.beat()
            }
            group.cancelAll()
        }
        logger.info("session loop stopped")
    }

    /// How long a tapped button looks pressed: long enough to see, short enough not to linger.
    static let pressedLook = Duration.milliseconds(200)

    /// Renders the session's screen, with the button just tapped drawn pressed, and sends the
    /// difference to every viewer.
    private func publish(_ session: Session, visit: Int, pressed: HitMap.Region? = nil) {
        let size = snapshot.withLock { state in
            state.position = session.position
            state.idle = session.isIdle
            state.outOfService = session.showsOutOfService
            state.language = session.language
            state.online = session.online
            state.identity = session.presentedIdentity
            return (state.columns, state.rows)
        }
        let shown = session.screen()
        let frame = renderer.render(shown, columns: size.0, rows: size.1, pressed: pressed)
        screen.publish(frame)
        if mirror.isWatched {
            let personal = session.presentedIdentity.map { PersonalData(identity: $0) } ?? PersonalData()
            mirror.publish(MirrorFeed.Update(shown: shown, plain: frame.buffer, columns: size.0, rows: size.1,
                                             personalData: personal, visit: visit))
        }
    }

    /// Device data becomes session events; health changes become events and operator alerts.
    private func sessionEvents(for event: DeviceEvent) -> [SessionEvent] {
        switch event.body {
        case .data(.identityPresented(let identity)) where event.role == .identityReader:
            logger.info("identity presented", metadata: ["device": "\(event.deviceID)", "document": "\(identity)"])
            identityCheck.offer(identity)
            return [.identityPresented(identity)]
        case .data(.identityRemoved):
            return [.identityRemoved]
        case .data(.identityReadFailed(let error)):
            logger.notice("identity read failed", metadata: ["device": "\(event.deviceID)", "error": "\(error)"])
            return [.identityReadFailed]
        case .data(.codeScanned(let bytes)):
            logger.info("code scanned", metadata: ["device": "\(event.deviceID)", "bytes": "\(bytes.count)"])
            return [.codeScanned(bytes)]
        case .data(.pageScanned), .data(.identityPresented):
            return []
        case .status(let status):
            outbox.recordHealth(status.health, deviceID: event.deviceID, role: event.role)
            return [.deviceHealth(event.role, status.health)]
        }
    }

    /// Reads the flows and texts again and, if they are sound, hands them to the loop. Problems
    /// leave the running ones in place.
    public func reloadContent() -> Result<String, ConfigProblems> {
        do {
            let content = try KioskContent.load(from: settings.contentDirectory,
                                                displayDirectory: settings.contentDisplayDirectory, roles: settings.roles)
            send(.reload(content))
            return .success("reloaded \(content.flows.count) flows and \(content.services.count) services; a citizen being served keeps the old ones until done")
        } catch {
            metrics.error(kind: "reload")
            return .failure(error)
        }
    }

    /// The Prometheus text, with the queue's gauges read fresh.
    public func metricsText() async -> String {
        refreshQueueMetrics()
        return metrics.render()
    }

    /// Reads the queue's counts into their gauges, before a scrape.
    public func refreshQueueMetrics() {
        if let counts = try? store.counts() {
            metrics.queue(pending: counts[.pending], retry: counts[.retry], dead: counts[.dead],
                          oldestPendingAgeSeconds: counts.oldestPendingAgeSeconds)
        }
        let alerts = ((try? store.openAlerts())?.count ?? 0) + (outbox.currentWriteFailure == nil ? 0 : 1)
        metrics.platform(online: platformLink.current.isOnline, openAlerts: alerts)
    }

    /// Connects the remote window, once its server is built.
    public func attach(_ remote: any RemoteWindowLink) {
        remoteWindowLink.withLock { $0 = remote }
    }

    /// The remote window, when one is configured and built.
    public var remoteWindow: (any RemoteWindowLink)? { remoteWindowLink.withLock { $0 } }

    /// The document presented in this visit, if any, for an operator's identity check.
    public var presentedIdentity: Identity? { snapshot.withLock { $0.identity } }

    /// How long since the session loop last finished an input. It turns at least every second.
    public var timeSinceLoopTurned: Duration { loopTurned.age }

    func updateVisits(_ count: Int) {
        snapshot.withLock { $0.visits = count }
    }

    /// The queue's counts, for `kioskctl status` and `kioskctl queue`; zeros (logged) if they cannot be read.
    public func queueSummary() -> OutboxCounts {
        do {
            return try store.counts()
        } catch {
            logger.error("cannot count the outbox", metadata: ["error": "\(error)"])
            return OutboxCounts()
        }
    }

    /// What `kioskctl status` reports.
    public func status() async -> KioskStatus {
        let state = snapshot.withLock { $0 }
        let deviceList = await devices.snapshot()
        let queue = queueSummary()
        var alerts: [AlertRecord] = []
        do { alerts = try store.openAlerts() } catch {
            logger.error("cannot read the operator alerts", metadata: ["error": "\(error)"])
        }
        if let failure = self.outbox.currentWriteFailure { alerts.append(failure) }
        let elapsed = ContinuousClock.now - started
        return KioskStatus(kioskID: settings.kioskID, version: KioskVersion.current,
                           state: state.outOfService ? "paused" : state.idle ? "idle" : "serving", flow: state.position.flow, step: state.position.step,
                           language: state.language.rawValue, online: state.online,
                           platform: platformLink.current, alerts: alerts,
                           uptimeSeconds: Int(elapsed.components.seconds), visits: state.visits,
                           devices: deviceList, outbox: queue)
    }
}
