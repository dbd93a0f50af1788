import Foundation
import Synchronization

/// The thread of a driver whose device sits on a serial line (GA 467 readers, serial code
/// scanners), because every serial call blocks (DESIGN.md decision 2). It opens the path, hands the
/// open ``SerialPort`` to the driver's session, and when the line is lost (an unplugged adapter, a
/// vanished tty) or the driver asks for it again, closes it and opens the path again with backoff,
/// until stopped. Its health is `offline` with the reason `disconnected` while the path cannot be
/// opened.
///
/// Each start is a generation: health and data events go to the sink only from the thread of the
/// current start, in order, and a stop waits until that thread has ended.
public final class SerialLineThread: Sendable {
    public let path: String
    public let baud: Int
    /// Waits between attempts to open a missing line.
    public let reopenBackoff: RestartBackoff
    /// The thread's name, for ps and debuggers.
    public let name: String

    private struct State {
        var sink: DeviceEventSink?
        var generation = 0
        var running = false
        var threadAlive = false
        var health = DeviceHealth.offline(.notStarted)
        var reopenRequested = false
        var healthWaiters: [CheckedContinuation<DeviceHealth, Never>] = []
        var exitWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    public init(path: String, baud: Int, reopenBackoff: RestartBackoff, name: String) {
        self.path = path
        self.baud = baud
        self.reopenBackoff = reopenBackoff
        self.name = name
    }

    /// The health as last reported.
    public var health: DeviceHealth { state.withLock { $0.health } }

    /// Starts a thread that runs `body` (which usually calls ``Run/keepOpen(_:)``). Started already:
    /// only the sink changes. Otherwise it waits for the thread of an earlier start to end, then runs
    /// `prepare`, then starts the new thread.
    public func start(sink: DeviceEventSink, prepare: () -> Void = {}, _ body: @escaping @Sendable (Run) -> Void) async {
        let alreadyRunning = state.withLock { state -> Bool in
            if state.running { state.sink = sink }
            return state.running
        }
        if alreadyRunning { return }
        await waitForThreadExit()
        prepare()
        let generation = state.withLock { state -> Int in
            state.sink = sink
            state.generation += 1
            state.running = true
            state.threadAlive = true
            return state.generation
        }
        let thread = Thread { [self] in
            body(Run(line: self, generation: generation))
            threadEnded()
        }
        thread.name = name
        thread.start()
    }

    /// Ends the current start and waits until its thread has ended.
    public func stop() async {
        state.withLock { state in
            state.running = false
            state.generation += 1
            state.sink = nil
        }
        await waitForThreadExit()
    }

    /// Asks the thread to close the line and open it again; false when it is not started.
    public func requestReopen() -> Bool {
        state.withLock { state -> Bool in
            if state.running { state.reopenRequested = true }
            return state.running
        }
    }

    /// The health after the thread's next look at the device (``Run/answerHealthChecks()``), for a
    /// self-test that asks the device itself. While the line is down the current health answers, and
    /// when not started it answers at once.
    public func nextHealthCheck() async -> DeviceHealth {
        await withCheckedContinuation { continuation in
            let immediate = state.withLock { state -> DeviceHealth? in
                guard state.running else { return state.health }
                state.healthWaiters.append(continuation)
                return nil
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
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

    private func threadEnded() {
        let (checks, exits, health) = state.withLock { state in
            state.threadAlive = false
            defer { state.healthWaiters = []; state.exitWaiters = [] }
            return (state.healthWaiters, state.exitWaiters, state.health)
        }
        checks.forEach { $0.resume(returning: health) }
        exits.forEach { $0.resume() }
    }

    /// Hands the waiting health checks what `health` says, or the current health when nil.
    private func answerHealthChecks(with health: DeviceHealth?) {
        let (waiters, current) = state.withLock { state in
            defer { state.healthWaiters = [] }
            return (state.healthWaiters, state.health)
        }
        waiters.forEach { $0.resume(returning: health ?? current) }
    }

    /// One start of the thread as its body sees it: everything it reports counts only while this
    /// start is the current one.
    public struct Run: Sendable {
        let line: SerialLineThread
        public let generation: Int

        /// Whether this start is still the current one; the body returns once it is not.
        public var isCurrent: Bool {
            line.state.withLock { $0.running && $0.generation == generation }
        }

        /// Records the health and reports it if it changed. An `offline` health also answers the
        /// waiting health checks: while the line is down nobody else answers them.
        public func setHealth(_ health: DeviceHealth) {
            let sink = line.state.withLock { state -> DeviceEventSink? in
                guard state.running, state.generation == generation, state.health != health else { return nil }
                state.health = health
                return state.sink
            }
            sink?.status(health)
            if health.state == .offline { line.answerHealthChecks(with: health) }
        }

        public func emit(_ event: DeviceDataEvent) {
            let sink = line.state.withLock { $0.running && $0.generation == generation ? $0.sink : nil }
            sink?.data(event)
        }

        /// Whether a reopen was asked for (``SerialLineThread/requestReopen()``); it stays asked for.
        public var reopenRequested: Bool { line.state.withLock { $0.reopenRequested } }

        /// Whether a reopen was asked for, and forgets the request.
        public func takeReopenRequest() -> Bool {
            line.state.withLock { state in
                defer { state.reopenRequested = false }
                return state.reopenRequested
            }
        }

        /// Whether a health check waits for the device to be asked.
        public var healthCheckWaiting: Bool { !line.state.withLock { $0.healthWaiters.isEmpty } }

        /// Answers the waiting health checks with the current health.
        public func answerHealthChecks() { line.answerHealthChecks(with: nil) }

        /// Sleeps in short steps so that a stop is noticed promptly, answering health checks while
        /// the line is down.
        public func pause(_ duration: Duration) {
            let end = ContinuousClock.now + duration
            while isCurrent {
                let remaining = ContinuousClock.now.duration(to: end)
                if remaining <= .zero { return }
                if line.state.withLock({ $0.health.state == .offline && !$0.healthWaiters.isEmpty }) {
                    answerHealthChecks()
                }
                Thread.sleep(forTimeInterval: min(0.01, Double(remaining.components.seconds) + Double(remaining.components.attoseconds) / 1e18))
            }
        }

        /// While this start is current: opens the path and runs `session` with the open port, closes
        /// it when the session returns, and opens it again, with backoff after failures. A path that
        /// cannot be opened is a failure and makes the health `offline` (`disconnected` when the
        /// device is not there, the error's code otherwise).
        ///
        /// `failures` counts the opens and sessions that failed in a row and sets the backoff: the
        /// session sets it to 0 once the device answers and adds one when the line fails.
        public func keepOpen(_ session: (SerialPort, inout Int) -> Void) {
            let backoff = line.reopenBackoff
            var failures = 0
            while isCurrent {
                let port: SerialPort
                do {
                    port = try SerialPort.openBlocking(path: line.path, baud: line.baud)
                } catch {
                    failures += 1
                    setHealth(.offline(error.code == .serialNotPresent ? .disconnected : error.code))
                    pause(backoff.delay(afterFailure: failures, random: Double.random(in: 0..<1)))
                    continue
                }
                session(port, &failures)
                port.close()
                if failures > 0 && isCurrent {
                    pause(backoff.delay(afterFailure: failures, random: Double.random(in: 0..<1)))
                }
            }
        }
    }
}
