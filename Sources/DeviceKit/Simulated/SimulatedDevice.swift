import Synchronization

/// A driver without hardware, for the demo and the tests. Starting, stopping, health, the
/// self-test, reset and the watchdog tests' ``hang()`` work the same way for every one of them,
/// over the lock that holds its state and its link, and are written once, here; a driver whose own
/// state takes part in one of them (the identity reader reads a card lying on it when started)
/// implements that one itself.
public protocol SimulatedDevice: Device {
    /// The device's state and link under their lock: what the shared part works on. Opaque
    /// outside DeviceKit.
    var simulation: SimulatedDeviceCore { get }
    /// Unplugs it: work in progress is lost and health goes offline with action `reset`.
    func disconnect()
    /// Plugs it back in; a started device reports its health again.
    func reconnect()
}

extension SimulatedDevice {
    /// Reports to `sink` from now on, the current health first; fails while the device is
    /// unreachable (unplugged, or the printer's `offline` fault).
    public func start(sink: DeviceEventSink) async throws { try simulation.state.start(sink) }

    public func stop() async { simulation.state.stop() }

    /// The health; a hung driver never answers (the caller's cancellation ends the wait).
    public func currentHealth() async -> DeviceHealth {
        let (hung, health) = simulation.state.hungAndHealth()
        if hung { await SimulatedLink.hangUntilCancelled() }
        return health
    }

    /// Makes the driver stop answering, as a wedged device thread would (for watchdog tests).
    public func hang() { simulation.state.hang() }

    /// Reports the health if it changed since last sent, and returns it.
    public func selfTest() async -> DeviceHealth { simulation.state.selfTest() }

    /// Makes work in flight stale and reports the health; fails while the device is unreachable.
    public func reset() async throws { try simulation.state.reset() }

    public func disconnect() { simulation.state.disconnect() }

    public func reconnect() { simulation.state.reconnect() }
}

/// A simulated device's locked state as ``SimulatedDevice`` sees it, whatever its type.
public struct SimulatedDeviceCore: Sendable {
    let state: any SimulatedStateLocking

    init(_ state: any SimulatedStateLocking) {
        self.state = state
    }
}

/// The shared steps of ``SimulatedDevice``, each under the device's lock.
protocol SimulatedStateLocking: Sendable {
    func start(_ sink: DeviceEventSink) throws(DeviceError)
    func stop()
    func hungAndHealth() -> (hung: Bool, health: DeviceHealth)
    func hang()
    func selfTest() -> DeviceHealth
    func reset() throws(DeviceError)
    func disconnect()
    func reconnect()
}

/// A simulated driver's state (its link and its own) under one lock, so that health, which
/// depends on both, is computed and reported in one step.
final class SimulatedStateLock<State: SimulatedState>: SimulatedStateLocking {
    private let mutex: Mutex<State>

    init(_ state: State) {
        mutex = Mutex(state)
    }

    func withLock<Result: Sendable, E: Error>(_ body: (inout State) throws(E) -> Result) throws(E) -> Result {
        try mutex.withLock { (state: inout State) throws(E) -> Result in try body(&state) }
    }

    func start(_ sink: DeviceEventSink) throws(DeviceError) {
        try withLock { state throws(DeviceError) in try state.start(sink) }
    }

    func stop() { withLock { $0.stop() } }

    func hungAndHealth() -> (hung: Bool, health: DeviceHealth) { withLock { ($0.link.hung, $0.health) } }

    func hang() { withLock { $0.link.hung = true } }

    func selfTest() -> DeviceHealth { withLock { $0.selfTest() } }

    func reset() throws(DeviceError) {
        try withLock { state throws(DeviceError) in try state.reset() }
    }

    func disconnect() { withLock { $0.disconnect() } }

    func reconnect() { withLock { $0.reconnect() } }
}
