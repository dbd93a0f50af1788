import Synchronization

/// A code scanner without hardware: ``scan(_:)`` hands it the bytes a QR code or barcode would
/// produce, and `.codeScanned` follows after ``latency``, as from a HID POS scanner. While unplugged it
/// reports offline with action `reset` and codes shown to it are lost.
public final class SimulatedCodeScanner: CodeScanner {
    public let id: String
    public let model: String
    public var category: DeviceCategory { .codeScanner }
    public var driver: String { "sim" }
    /// From showing a code to `.codeScanned`.
    public let latency: Duration

    private struct State {
        var sink: DeviceEventSink?
        var connected = true
        /// Bumped when codes in flight must be dropped (unplugged, stopped).
        var generation = 0
        var reported: DeviceHealth?

        var health: DeviceHealth { connected ? .online : .offline("disconnected") }

        mutating func report() {
            let current = health
            guard let sink, current != reported else { return }
            reported = current
            sink.status(current)
        }
    }

    private let state = Mutex(State())
    private let timing: SimulatedTiming

    public init(id: String, model: String = "sim-code-scanner", latency: Duration = .milliseconds(50)) {
        self.id = id
        self.model = model
        self.latency = latency
        timing = SimulatedTiming(label: id)
    }

    /// Shows a code to the scanner. Returns false when nothing will be reported: the scanner is
    /// unplugged or not started.
    @discardableResult
    public func scan(_ bytes: [UInt8]) -> Bool {
        let generation = state.withLock { state -> Int? in
            state.connected && state.sink != nil ? state.generation : nil
        }
        guard let generation else { return false }
        timing.after(latency) { [self] in
            state.withLock { state in
                guard state.generation == generation, state.connected, let sink = state.sink else { return }
                sink.data(.codeScanned(bytes))
            }
        }
        return true
    }

    /// Shows a text code (UTF-8), e.g. a pickup code.
    @discardableResult
    public func scan(text: String) -> Bool { scan(Array(text.utf8)) }

    public func disconnect() {
        state.withLock { state in
            state.connected = false
            state.generation += 1
            state.report()
        }
    }

    public func reconnect() {
        state.withLock { state in
            state.connected = true
            state.report()
        }
    }

    public func start(sink: DeviceEventSink) async throws {
        try state.withLock { state throws(DeviceError) in
            guard state.connected else {
                throw DeviceError(code: "disconnected", action: .reset, detail: "simulated scanner \(id) is unplugged")
            }
            state.sink = sink
            state.reported = nil
            state.report()
        }
    }

    public func stop() async {
        state.withLock { state in
            state.sink = nil
            state.generation += 1
        }
    }

    public func currentHealth() async -> DeviceHealth { state.withLock { $0.health } }

    public func selfTest() async -> DeviceHealth {
        state.withLock { state in
            state.report()
            return state.health
        }
    }

    public func reset() async throws {
        try state.withLock { state throws(DeviceError) in
            guard state.connected else {
                throw DeviceError(code: "disconnected", action: .reset, detail: "simulated scanner \(id) is unplugged")
            }
            state.generation += 1
            state.report()
        }
    }
}
