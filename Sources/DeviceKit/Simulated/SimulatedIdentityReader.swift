/// An identity reader without hardware, for the demo and for tests: a card is placed with
/// ``insert(_:)`` and taken away with ``remove()``; it is read after ``readLatency`` like a real
/// GA 467 or PC/SC reader, which needs a few hundred milliseconds to authenticate and read a card.
///
/// Events and health follow a real reader: `.identityPresented` once the read finishes,
/// `.identityRemoved` whenever a card leaves (also when it leaves during the read, which then reports
/// nothing else), `.identityReadFailed` for a failed read, and offline health with action `reset`
/// while unplugged. Events are emitted in order, under the device's lock; a sink must not call back
/// into the device.
public final class SimulatedIdentityReader: IdentityReader, SimulatedDevice {
    public let id: String
    public let model: String
    public var driver: String { "sim" }
    /// How long a read takes from placing the card to `.identityPresented`.
    public let readLatency: Duration

    struct State: SimulatedState {
        var link: SimulatedLink
        var card: Identity?
        /// A passport or eMRTD ID card lying on the reader: read only with its access key
        /// (SimulatedIdentityReader+AccessKey.swift), never announced.
        var document: Identity?
        var failNextRead = false

        var health: DeviceHealth { link.connected ? .online : .offline(.disconnected) }
    }

    let state: SimulatedStateLock<State>
    public var simulation: SimulatedDeviceCore { SimulatedDeviceCore(state) }
    private let timing: SimulatedTiming

    public init(id: String, model: String = "sim-identity-reader", readLatency: Duration = .milliseconds(300)) {
        self.id = id
        self.model = model
        self.readLatency = readLatency
        state = SimulatedStateLock(State(link: SimulatedLink(name: "simulated reader \(id)")))
        timing = SimulatedTiming(label: id)
    }

    // MARK: Controls (the citizen and the technician)

    /// Places a card on the reader. A card already there is taken away first.
    public func insert(_ identity: Identity) {
        let token = state.withLock { state -> Int? in
            Self.takeAway(&state)
            state.card = identity
            let token = state.link.newGeneration()
            return state.link.liveSink != nil ? token : nil
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

    /// Plugs the reader back in. A started reader reports online and reads a card still lying on it;
    /// a stopped one can be started again.
    public func reconnect() {
        let token = state.withLock { state -> Int? in
            state.reconnect()
            guard state.link.sink != nil, state.card != nil else { return nil }
            return state.link.newGeneration()
        }
        if let token { scheduleRead(token) }
    }

    /// Whether a card is on the reader.
    public var hasCard: Bool { state.withLock { $0.card != nil } }

    // MARK: Device (stopping, health, self-test and hang: SimulatedDevice)

    /// Starts, and reads a card already lying on the reader.
    public func start(sink: DeviceEventSink) async throws {
        let token = try state.withLock { state throws(DeviceError) -> Int? in
            try state.start(sink)
            guard state.card != nil else { return nil }
            return state.link.newGeneration()
        }
        if let token { scheduleRead(token) }
    }

    /// Re-detects the card: a card lying on the reader is read again.
    public func reset() async throws {
        let token = try state.withLock { state throws(DeviceError) -> Int? in
            try state.reset()
            return state.link.sink != nil && state.card != nil ? state.link.generation : nil
        }
        if let token { scheduleRead(token) }
    }

    // MARK: Reading

    static func takeAway(_ state: inout State) {
        guard state.card != nil || state.document != nil else { return }
        state.card = nil
        state.document = nil
        state.link.newGeneration()
        state.link.liveSink?.data(.identityRemoved)
    }

    private func scheduleRead(_ token: Int) {
        timing.after(readLatency) { [self] in finishRead(token) }
    }

    private func finishRead(_ token: Int) {
        state.withLock { state in
            guard token == state.link.generation, let sink = state.link.liveSink, let card = state.card else { return }
            if state.failNextRead {
                state.failNextRead = false
                sink.data(.identityReadFailed(DeviceError(
                    code: .readFailed, action: .retry, detail: "the card could not be read (simulated)")))
            } else {
                sink.data(.identityPresented(card))
            }
        }
    }
}
