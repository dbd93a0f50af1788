import DeviceKit
import Foundation
import Logging
import Synchronization

/// Collects what devices report, for tests to wait on and look at.
final class EventRecorder: Sendable {
    private let recorded = Mutex<[DeviceEvent]>([])

    func append(_ event: DeviceEvent) { recorded.withLock { $0.append(event) } }

    /// A sink for a device under test, not managed by a DeviceManager.
    func sink(for device: any Device, role: DeviceRole) -> DeviceEventSink {
        DeviceEventSink(deviceID: device.id, role: role) { [self] event in append(event) }
    }

    var events: [DeviceEvent] { recorded.withLock { $0 } }

    func events(of deviceID: String) -> [DeviceEvent] { events.filter { $0.deviceID == deviceID } }

    func data(of deviceID: String? = nil) -> [DeviceDataEvent] {
        events.compactMap { event in
            guard deviceID == nil || event.deviceID == deviceID, case .data(let data) = event.body else { return nil }
            return data
        }
    }

    func health(of deviceID: String? = nil) -> [DeviceHealth] {
        events.compactMap { event in
            guard deviceID == nil || event.deviceID == deviceID, case .status(let status) = event.body else { return nil }
            return status.health
        }
    }

    /// Waits until `condition` holds for the events so far, polling every few milliseconds; false
    /// when it does not hold within `timeout`.
    @discardableResult
    func wait(timeout: Duration = .seconds(30), until condition: (EventRecorder) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(self) { return true }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return condition(self)
    }
}

/// Waits until `condition` holds, polling; false when it does not within `timeout`.
func eventually(timeout: Duration = .seconds(30), _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(2))
    }
    return await condition()
}

/// Keeps what is logged, so tests can check that something was (or was not) said.
final class LogCapture: Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: Logger.Metadata
    }

    private let entries = Mutex<[Entry]>([])

    var logged: [Entry] { entries.withLock { $0 } }

    func logger(label: String = "test") -> Logger {
        Logger(label: label) { _ in Handler(capture: self) }
    }

    fileprivate func add(_ entry: Entry) { entries.withLock { $0.append(entry) } }

    struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            capture.add(Entry(level: event.level, message: event.message.description,
                              metadata: metadata.merging(event.metadata ?? [:]) { $1 }))
        }
    }
}

/// A backoff short enough for tests, without jitter.
let quickBackoff = RestartBackoff(initial: .milliseconds(5), maximum: .milliseconds(20), multiplier: 2, jitter: 0)

/// A device that fails to start a given number of times, and counts what the manager does to it.
final class FlakyReader: IdentityReader {
    let id: String
    var model: String { "test-flaky" }
    var driver: String { "test" }

    private struct State {
        var failuresLeft: Int
        var starts = 0
        var startTimes: [ContinuousClock.Instant] = []
        var stops = 0
        var sink: DeviceEventSink?
    }

    private let state: Mutex<State>

    init(id: String, failingStarts: Int) {
        self.id = id
        state = Mutex(State(failuresLeft: failingStarts))
    }

    var starts: Int { state.withLock { $0.starts } }
    var startTimes: [ContinuousClock.Instant] { state.withLock { $0.startTimes } }
    var stops: Int { state.withLock { $0.stops } }
    var isStarted: Bool { state.withLock { $0.sink != nil } }

    func start(sink: DeviceEventSink) async throws {
        try state.withLock { state throws(DeviceError) in
            state.starts += 1
            state.startTimes.append(.now)
            if state.failuresLeft > 0 {
                state.failuresLeft -= 1
                throw DeviceError(code: .serialOpenFailed, action: .reset, detail: "test: port busy")
            }
            state.sink = sink
        }
        sink.status(.online)
    }

    func stop() async {
        state.withLock { state in
            state.stops += 1
            state.sink = nil
        }
    }

    func currentHealth() async -> DeviceHealth { .online }
    func selfTest() async -> DeviceHealth { .online }
    func reset() async throws {}
}

func samplePDF(_ text: String = "certificate") -> Data { Data("%PDF-1.4\n% \(text)\n%%EOF\n".utf8) }

/// A DeviceManager running in the background, with its events recorded.
struct RunningManager {
    let manager: DeviceManager
    let recorder: EventRecorder
    let logs: LogCapture
    private let running: Task<Void, Never>
    private let collecting: Task<Void, Never>

    init(_ devices: [ManagedDevice], families: DeviceFamilies = .builtIn, backoff: RestartBackoff = quickBackoff,
         eventBufferSize: Int = 256) {
        let logs = LogCapture()
        let manager = DeviceManager(devices: devices, families: families, logger: logs.logger(), backoff: backoff,
                                    eventBufferSize: eventBufferSize)
        let recorder = EventRecorder()
        self.manager = manager
        self.recorder = recorder
        self.logs = logs
        collecting = Task {
            for await event in manager.events { recorder.append(event) }
        }
        running = Task { await manager.run() }
    }

    /// Cancels run() and waits for it and for the end of the event stream.
    func shutdown() async {
        running.cancel()
        await running.value
        await collecting.value
    }

    func snapshot(_ id: String) async -> DeviceSnapshot? {
        await manager.snapshot().first { $0.id == id }
    }
}
