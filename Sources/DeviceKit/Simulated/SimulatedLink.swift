/// The connection every simulated driver has, kept in its locked state: plugged in or not, where
/// events go, and the health last sent, so that a sink hears of changes rather than every check.
struct SimulatedLink: Sendable {
    /// Names the device in its errors, e.g. `simulated scanner lobby`.
    let name: String
    fileprivate(set) var sink: DeviceEventSink?
    fileprivate(set) var connected = true
    /// Work in flight carries the generation it began under and reports nothing once that is old.
    /// Unplugging, stopping and resetting start a new one.
    private(set) var generation = 0
    fileprivate var reported: DeviceHealth?
    /// Fault injection for the watchdog's tests: a hung driver never answers a health query.
    var hung = false

    init(name: String) {
        self.name = name
    }

    /// The sink while the device is started and plugged in: only then may data events go out.
    var liveSink: DeviceEventSink? { connected ? sink : nil }

    /// What a hung driver's health query does: wait until cancelled, as a wedged device thread would.
    static func hangUntilCancelled() async {
        try? await Task.sleep(for: .seconds(86_400))
    }

    var unplugged: DeviceError {
        DeviceError(code: .disconnected, action: .reset, detail: "\(name) is unplugged")
    }

    /// Makes work begun earlier stale; returns the generation for work begun now.
    @discardableResult
    mutating func newGeneration() -> Int {
        generation += 1
        return generation
    }

    fileprivate mutating func report(_ health: DeviceHealth) {
        guard let sink, health != reported else { return }
        reported = health
        sink.status(health)
    }
}

/// A simulated driver's locked state. The steps in the extension change the link and then report
/// the health, which is the driver's own and depends on the link, so they live here, not on the link.
protocol SimulatedState: Sendable {
    var link: SimulatedLink { get set }
    var health: DeviceHealth { get }
    /// Why the device cannot be started or reset now; by default, being unplugged.
    var unreachable: DeviceError? { get }
}

extension SimulatedState {
    var unreachable: DeviceError? { link.connected ? nil : link.unplugged }

    /// Sends the health if it changed since last sent.
    mutating func report() {
        link.report(health)
    }

    mutating func disconnect() {
        link.connected = false
        link.newGeneration()
        report()
    }

    mutating func reconnect() {
        link.connected = true
        report()
    }

    /// Forgets the health last sent, so that a new sink hears the current one.
    mutating func start(_ sink: DeviceEventSink) throws(DeviceError) {
        if let unreachable { throw unreachable }
        link.sink = sink
        link.reported = nil
        report()
    }

    mutating func stop() {
        link.sink = nil
        link.newGeneration()
    }

    mutating func selfTest() -> DeviceHealth {
        report()
        return health
    }

    mutating func reset() throws(DeviceError) {
        if let unreachable { throw unreachable }
        link.newGeneration()
        report()
    }
}
