import DeviceKit
import Foundation
import Synchronization

/// A GA 467 resident-ID reader (its SAM) on a serial line: reads resident ID cards, residence permits
/// for Hong Kong, Macau and Taiwan residents and foreign permanent resident ID cards.
///
/// A thread of its own polls the SAM — find card, then select and read when a new card is there —
/// because every serial call blocks (DESIGN.md decision 2). It reports `.identityPresented` once per
/// card, `.identityRemoved` when that card leaves, and `.identityReadFailed` with the typed error when
/// a card could not be read (after `readAttempts` tries, or when it was lifted during the read) or its
/// ID number's check character is wrong. Health follows the SAM's status and the line: an unplugged
/// adapter or a vanished tty is `offline` with action `reset`, and the path is opened again with
/// backoff until it is back. Events come from that one thread, in order.
public final class GA467Reader: IdentityReader {
    public struct Settings: Sendable, Equatable {
        public var path: String
        public var baud: Int
        public var wltDecoderPath: String?
        /// How often to look for a card.
        public var pollInterval: Duration
        /// How long the SAM may work on a command, on top of the line time.
        public var answerTimeout: Duration
        /// Tries at reading one card before reporting the failure.
        public var readAttempts: Int
        /// Waits between attempts to open a missing line.
        public var reopenBackoff: RestartBackoff

        public init(path: String, baud: Int = 115_200, wltDecoderPath: String? = nil,
                    pollInterval: Duration = .milliseconds(150), answerTimeout: Duration = .seconds(2),
                    readAttempts: Int = 3,
                    reopenBackoff: RestartBackoff = RestartBackoff(initial: .milliseconds(200), maximum: .seconds(5))) {
            self.path = path
            self.baud = baud
            self.wltDecoderPath = wltDecoderPath
            self.pollInterval = pollInterval
            self.answerTimeout = answerTimeout
            self.readAttempts = max(1, readAttempts)
            self.reopenBackoff = reopenBackoff
        }
    }

    public let id: String
    public let model: String
    public var category: DeviceCategory { .identityReader }
    public var driver: String { "ga467" }
    public let settings: Settings

    private struct State {
        var sink: DeviceEventSink?
        var generation = 0
        var running = false
        var health = DeviceHealth.offline(.notStarted)
        var resetRequested = false
        var selfTestWaiters: [CheckedContinuation<DeviceHealth, Never>] = []
        var exitWaiters: [CheckedContinuation<Void, Never>] = []
        var threadAlive = false
        var decoder: WLTDecoder?
        var decoderProblem: DeviceError?
    }

    private let state = Mutex(State())

    public init(id: String, model: String = "cvr-100u", settings: Settings) {
        self.id = id
        self.model = model
        self.settings = settings
    }

    // MARK: Device

    public func start(sink: DeviceEventSink) async throws {
        // Started already: only the sink changes.
        let alreadyRunning = state.withLock { state -> Bool in
            if state.running { state.sink = sink }
            return state.running
        }
        if alreadyRunning { return }
        await waitForThreadExit()
        var decoder: WLTDecoder?
        var problem: DeviceError?
        if let path = settings.wltDecoderPath {
            do { decoder = try WLTDecoder(path: path) } catch { problem = error }
        }
        let generation = state.withLock { state -> Int in
            state.sink = sink
            state.generation += 1
            state.running = true
            state.threadAlive = true
            state.decoder = decoder
            state.decoderProblem = problem
            return state.generation
        }
        let thread = Thread { [self] in run(generation: generation) }
        thread.name = "ga467 \(id)"
        thread.start()
    }

    public func stop() async {
        state.withLock { state in
            state.running = false
            state.generation += 1
            state.sink = nil
        }
        await waitForThreadExit()
    }

    public func currentHealth() async -> DeviceHealth { state.withLock { $0.health } }

    /// Asks the SAM for its status (11 FF) and reports the health that follows.
    public func selfTest() async -> DeviceHealth {
        await withCheckedContinuation { continuation in
            let immediate = state.withLock { state -> DeviceHealth? in
                guard state.running else { return state.health }
                state.selfTestWaiters.append(continuation)
                return nil
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
    }

    /// Closes and reopens the line and resets the SAM (10 FF); a card on the reader is read again.
    public func reset() async throws {
        let running = state.withLock { state -> Bool in
            if state.running { state.resetRequested = true }
            return state.running
        }
        guard running else {
            throw DeviceError(code: .notStarted, action: .reset, detail: "reader \(id) is not started")
        }
    }

    /// The card photo as a BMP, through the configured vendor decoder. Throws
    /// `wlt-decoder-unavailable` (configuration) when none is configured or it did not load.
    public func decodePhoto(_ photo: Identity.Photo) throws(DeviceError) -> [UInt8] {
        let (decoder, problem) = state.withLock { ($0.decoder, $0.decoderProblem) }
        guard let decoder else {
            throw problem ?? DeviceError(code: .wltDecoderUnavailable, action: .configuration,
                                         detail: "reader \(id) has no connection.wlt-decoder")
        }
        return try decoder.decode(Array(photo.bytes))
    }

    private func waitForThreadExit() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let alive = state.withLock { state -> Bool in
                if state.threadAlive { state.exitWaiters.append(continuation) }
                return state.threadAlive
            }
            if !alive { continuation.resume() }
        }
    }

    // MARK: The reader's thread

    /// Errors that mean the line itself is gone or must be reopened.
    private static let lineErrors: Set<DeviceErrorCode> = [.serialDisconnected, .serialIOFailed, .serialClosed, .resetRequested]

    private func run(generation: Int) {
        var failures = 0
        var poller = CardPoller(reader: self, generation: generation)
        while isCurrent(generation) {
            let port: SerialPort
            do {
                port = try SerialPort.openBlocking(path: settings.path, baud: settings.baud)
            } catch {
                failures += 1
                setHealth(.offline(error.code == .serialNotPresent ? .disconnected : error.code), generation)
                pause(settings.reopenBackoff.delay(afterFailure: failures, random: Double.random(in: 0..<1)), generation)
                continue
            }
            var link = GA467Link(port: port, answerTimeout: settings.answerTimeout)
            do throws(DeviceError) {
                if state.withLock({ $0.resetRequested }) {
                    state.withLock { $0.resetRequested = false }
                    _ = try link.transact(.reset)
                    poller.forget()
                }
                try checkSAM(&link, generation)
                failures = 0
                while isCurrent(generation) {
                    try serveSelfTests(&link, generation)
                    if state.withLock({ $0.resetRequested }) {
                        throw DeviceError(code: .resetRequested, action: .reset, detail: "reset")
                    }
                    try poller.poll(&link)
                    pause(settings.pollInterval, generation)
                }
            } catch where Self.lineErrors.contains(error.code) {
                failures += error.code == .resetRequested ? 0 : 1
                poller.lineLost()
                if error.code != .resetRequested { setHealth(.offline(.disconnected), generation) }
            } catch {
                // The SAM stopped answering although the line is there: treat it as a line to reopen.
                failures += 1
                poller.lineLost()
                setHealth(DeviceHealth(state: .offline, reason: error.code, action: error.action), generation)
            }
            port.close()
            if failures > 0 && isCurrent(generation) {
                pause(settings.reopenBackoff.delay(afterFailure: failures, random: Double.random(in: 0..<1)), generation)
            }
        }
        let (tests, exits, health) = state.withLock { state in
            state.threadAlive = false
            defer { state.selfTestWaiters = []; state.exitWaiters = [] }
            return (state.selfTestWaiters, state.exitWaiters, state.health)
        }
        tests.forEach { $0.resume(returning: health) }
        exits.forEach { $0.resume() }
    }

    private func checkSAM(_ link: inout GA467Link, _ generation: Int) throws(DeviceError) {
        let answer = try link.transact(.samStatus)
        if answer.status == .success {
            setHealth(.online, generation)
        } else {
            let error = answer.status?.error ?? GA467Status.unknownStatusError(answer.sw3)
            setHealth(DeviceHealth(state: .hardwareError, reason: error.code, action: error.action), generation)
        }
    }

    private func serveSelfTests(_ link: inout GA467Link, _ generation: Int) throws(DeviceError) {
        guard !state.withLock({ $0.selfTestWaiters.isEmpty }) else { return }
        try checkSAM(&link, generation)
        let (waiters, health) = state.withLock { state in
            defer { state.selfTestWaiters = [] }
            return (state.selfTestWaiters, state.health)
        }
        waiters.forEach { $0.resume(returning: health) }
    }

    func isCurrent(_ generation: Int) -> Bool {
        state.withLock { $0.running && $0.generation == generation }
    }

    func setHealth(_ health: DeviceHealth, _ generation: Int) {
        let sink = state.withLock { state -> DeviceEventSink? in
            guard state.running, state.generation == generation, state.health != health else { return nil }
            state.health = health
            return state.sink
        }
        sink?.status(health)
        // While the line is down nobody else answers a self-test.
        if health.state == .offline {
            let waiters = state.withLock { state in defer { state.selfTestWaiters = [] }; return state.selfTestWaiters }
            waiters.forEach { $0.resume(returning: health) }
        }
    }

    func emit(_ event: DeviceDataEvent, _ generation: Int) {
        let sink = state.withLock { $0.running && $0.generation == generation ? $0.sink : nil }
        sink?.data(event)
    }

    /// Sleeps in short steps so that stop and self-tests are served promptly.
    private func pause(_ duration: Duration, _ generation: Int) {
        let end = ContinuousClock.now + duration
        while isCurrent(generation) {
            let remaining = ContinuousClock.now.duration(to: end)
            if remaining <= .zero { return }
            if state.withLock({ $0.health.state == .offline && !$0.selfTestWaiters.isEmpty }) {
                let (waiters, health) = state.withLock { state in
                    defer { state.selfTestWaiters = [] }
                    return (state.selfTestWaiters, state.health)
                }
                waiters.forEach { $0.resume(returning: health) }
            }
            Thread.sleep(forTimeInterval: min(0.01, Double(remaining.components.seconds) + Double(remaining.components.attoseconds) / 1e18))
        }
    }
}
