import DeviceKit
import Foundation
import Synchronization

/// A code scanner on a serial line (RS-232, or a USB scanner in its USB-serial/CDC-ACM mode): every
/// code it reads arrives as bytes ending with its terminator, and is reported as `.codeScanned(bytes)`.
///
/// A thread of its own reads the line (serial reads block; DESIGN.md decision 2). An unplugged scanner
/// is `offline` with action `reset` and the path is opened again with backoff until it is back. A code
/// over the maximum length is dropped (counted in ``droppedCodes``), never delivered in part.
public final class SerialCodeScanner: CodeScanner {
    public struct Settings: Sendable, Equatable {
        public var path: String
        public var baud: Int
        public var terminator: SerialCodeFramer.Terminator
        public var maximumLength: Int
        public var reopenBackoff: RestartBackoff

        public init(path: String, baud: Int = 9600, terminator: SerialCodeFramer.Terminator = .cr, maximumLength: Int = 4096,
                    reopenBackoff: RestartBackoff = RestartBackoff(initial: .milliseconds(200), maximum: .seconds(5))) {
            self.path = path
            self.baud = baud
            self.terminator = terminator
            self.maximumLength = maximumLength
            self.reopenBackoff = reopenBackoff
        }
    }

    public let id: String
    public let model: String
    public var category: DeviceCategory { .codeScanner }
    public var driver: String { "serial" }
    public let settings: Settings

    private struct State {
        var sink: DeviceEventSink?
        var generation = 0
        var running = false
        var threadAlive = false
        var health = DeviceHealth.offline(.notStarted)
        var reopenRequested = false
        var dropped = 0
        var exitWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    public init(id: String, model: String, settings: Settings) {
        self.id = id
        self.model = model
        self.settings = settings
    }

    /// Codes dropped for being longer than the maximum.
    public var droppedCodes: Int { state.withLock { $0.dropped } }

    public func start(sink: DeviceEventSink) async throws {
        let alreadyRunning = state.withLock { state -> Bool in
            if state.running { state.sink = sink }
            return state.running
        }
        if alreadyRunning { return }
        await waitForThreadExit()
        let generation = state.withLock { state -> Int in
            state.sink = sink
            state.generation += 1
            state.running = true
            state.threadAlive = true
            return state.generation
        }
        let thread = Thread { [self] in run(generation: generation) }
        thread.name = "serial-scanner \(id)"
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

    /// A serial scanner has no status command: its health is whether its line is open.
    public func selfTest() async -> DeviceHealth { state.withLock { $0.health } }

    /// Closes and reopens the line.
    public func reset() async throws {
        let running = state.withLock { state -> Bool in
            if state.running { state.reopenRequested = true }
            return state.running
        }
        guard running else { throw DeviceError(code: .notStarted, action: .reset, detail: "scanner \(id) is not started") }
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

    // MARK: The scanner's thread

    private func run(generation: Int) {
        var failures = 0
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
            setHealth(.online, generation)
            var framer = SerialCodeFramer(terminator: settings.terminator, maximumLength: settings.maximumLength)
            readLoop: while isCurrent(generation) {
                if state.withLock({ state in defer { state.reopenRequested = false }; return state.reopenRequested }) { break }
                do {
                    // Short deadlines so that stop and reset are noticed promptly.
                    let bytes = try port.readBlocking(deadline: .now + .milliseconds(100))
                    for output in framer.feed(bytes) {
                        switch output {
                        case .code(let code): emit(.codeScanned(code), generation)
                        case .overlong: state.withLock { $0.dropped += 1 }
                        }
                    }
                    failures = 0
                } catch where error.code == .serialTimeout {
                    continue
                } catch {
                    failures += 1
                    setHealth(.offline(error.code == .serialDisconnected ? .disconnected : error.code), generation)
                    break readLoop
                }
            }
            port.close()
            if failures > 0 && isCurrent(generation) {
                pause(settings.reopenBackoff.delay(afterFailure: failures, random: Double.random(in: 0..<1)), generation)
            }
        }
        let waiters = state.withLock { state in
            state.threadAlive = false
            defer { state.exitWaiters = [] }
            return state.exitWaiters
        }
        waiters.forEach { $0.resume() }
    }

    private func isCurrent(_ generation: Int) -> Bool { state.withLock { $0.running && $0.generation == generation } }

    private func setHealth(_ health: DeviceHealth, _ generation: Int) {
        let sink = state.withLock { state -> DeviceEventSink? in
            guard state.running, state.generation == generation, state.health != health else { return nil }
            state.health = health
            return state.sink
        }
        sink?.status(health)
    }

    private func emit(_ event: DeviceDataEvent, _ generation: Int) {
        let sink = state.withLock { $0.running && $0.generation == generation ? $0.sink : nil }
        sink?.data(event)
    }

    private func pause(_ duration: Duration, _ generation: Int) {
        let end = ContinuousClock.now + duration
        while isCurrent(generation), ContinuousClock.now < end { Thread.sleep(forTimeInterval: 0.01) }
    }
}
