import Synchronization

/// An identity reader without hardware, for the demo and for tests: a card is placed with
/// ``insert(_:)`` and taken away with ``remove()``; it is read after ``readLatency`` like a real
/// GA 467 or PC/SC reader, which needs a few hundred milliseconds to authenticate and read a card.
///
/// Events and health follow a real reader: `.identityPresented` once the read finishes,
/// `.identityRemoved` whenever a card leaves (also when it leaves during the read, which then reports
/// nothing else), `.identityReadFailed` for a failed read, and offline health with action `reset`
/// while unplugged. Events are emitted in order, under the device's lock; a sink must not call back
/// into the device.
public final class SimulatedIdentityReader: IdentityReader {
    public let id: String
    public let model: String
    public var category: DeviceCategory { .identityReader }
    public var driver: String { "sim" }
    /// How long a read takes from placing the card to `.identityPresented`.
    public let readLatency: Duration

    private struct State {
        var sink: DeviceEventSink?
        var connected = true
        var card: Identity?
        /// Bumped whenever a pending read must be abandoned (card removed, unplugged, stopped).
        var readToken = 0
        var failNextRead = false
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

    public init(id: String, model: String = "sim-identity-reader", readLatency: Duration = .milliseconds(300)) {
        self.id = id
        self.model = model
        self.readLatency = readLatency
        timing = SimulatedTiming(label: id)
    }

    // MARK: Controls (the citizen and the technician)

    /// Places a card on the reader. A card already there is taken away first.
    public func insert(_ identity: Identity) {
        let token = state.withLock { state -> Int? in
            if state.card != nil { Self.takeAway(&state) }
            state.card = identity
            state.readToken += 1
            return state.sink != nil && state.connected ? state.readToken : nil
        }
        if let token { scheduleRead(token) }
    }

    /// Takes the card away; reports `.identityRemoved` if a card was there.
    public func remove() {
        state.withLock { state in Self.takeAway(&state) }
    }

    /// Makes the next read fail, as a scratched or badly placed card does.
    public func failNextRead() {
        state.withLock { $0.failNextRead = true }
    }

    /// Unplugs the reader: a read in progress is lost and health goes offline with action `reset`.
    public func disconnect() {
        state.withLock { state in
            state.connected = false
            state.readToken += 1
            state.report()
        }
    }

    /// Plugs the reader back in. A started reader reports online and reads a card still lying on it;
    /// a stopped one can be started again.
    public func reconnect() {
        let token = state.withLock { state -> Int? in
            state.connected = true
            state.report()
            guard state.sink != nil, state.card != nil else { return nil }
            state.readToken += 1
            return state.readToken
        }
        if let token { scheduleRead(token) }
    }

    /// Whether a card is on the reader.
    public var hasCard: Bool { state.withLock { $0.card != nil } }

    // MARK: Device

    public func start(sink: DeviceEventSink) async throws {
        let token = try state.withLock { state throws(DeviceError) -> Int? in
            guard state.connected else {
                throw DeviceError(code: "disconnected", action: .reset, detail: "simulated reader \(id) is unplugged")
            }
            state.sink = sink
            state.reported = nil
            state.report()
            guard state.card != nil else { return nil }
            state.readToken += 1
            return state.readToken
        }
        if let token { scheduleRead(token) }
    }

    public func stop() async {
        state.withLock { state in
            state.sink = nil
            state.readToken += 1
        }
    }

    public func currentHealth() async -> DeviceHealth {
        state.withLock { $0.health }
    }

    public func selfTest() async -> DeviceHealth {
        state.withLock { state in
            state.report()
            return state.health
        }
    }

    /// Re-detects the card: a card lying on the reader is read again.
    public func reset() async throws {
        let token = try state.withLock { state throws(DeviceError) -> Int? in
            guard state.connected else {
                throw DeviceError(code: "disconnected", action: .reset, detail: "simulated reader \(id) is unplugged")
            }
            state.readToken += 1
            state.report()
            return state.sink != nil && state.card != nil ? state.readToken : nil
        }
        if let token { scheduleRead(token) }
    }

    // MARK: Reading

    private static func takeAway(_ state: inout State) {
        guard state.card != nil else { return }
        state.card = nil
        state.readToken += 1
        if state.connected { state.sink?.data(.identityRemoved) }
    }

    private func scheduleRead(_ token: Int) {
        timing.after(readLatency) { [self] in finishRead(token) }
    }

    private func finishRead(_ token: Int) {
        state.withLock { state in
            guard token == state.readToken, state.connected, let sink = state.sink, let card = state.card else { return }
            if state.failNextRead {
                state.failNextRead = false
                sink.data(.identityReadFailed(DeviceError(
                    code: "read-failed", action: .retry, detail: "the card could not be read (simulated)")))
            } else {
                sink.data(.identityPresented(card))
            }
        }
    }
}
