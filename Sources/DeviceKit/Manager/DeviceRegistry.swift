import Foundation
import Logging
import Synchronization

/// DeviceManager's shared state: each device's health, counters and run state, behind one lock, so
/// that a driver's thread can report through its sink without hopping onto the manager's actor.
/// Events are yielded to the merged stream under the same lock, so the order of the stream is the
/// order in which health was recorded.
final class DeviceRegistry: Sendable {
    struct Slot {
        let id: String
        let role: DeviceRole
        let category: DeviceCategory
        let driver: String
        let model: String
        /// Set when the configuration is wrong; such a device is never started.
        let misconfiguration: DeviceHealth?
        var health: DeviceHealth
        var since: Date?
        var counters = DeviceCounters()
        /// Identifies the sink handed to the current start; events from older sinks are dropped.
        var generation = 0
        var running = false
        var reportedThisGeneration = false
        /// Wakes the supervisor to restart the device.
        var trouble: AsyncStream<DeviceHealth.Reason>.Continuation?
        /// Cuts a backoff wait short.
        var waker: AsyncStream<Void>.Continuation?
    }

    enum Phase {
        case misconfigured(DeviceHealth)
        /// Started and reporting.
        case running
        /// Waiting out a backoff before the next start.
        case waiting
        /// Not supervised: DeviceManager.run() is not running.
        case idle
    }

    private struct State {
        var slots: [Slot]
        var dropped = 0
    }

    private let state: Mutex<State>
    private let continuation: AsyncStream<DeviceEvent>.Continuation
    private let logger: Logger

    init(slots: [Slot], continuation: AsyncStream<DeviceEvent>.Continuation, logger: Logger) {
        state = Mutex(State(slots: slots))
        self.continuation = continuation
        self.logger = logger
    }

    // MARK: Generations

    /// Opens a new generation for a start of device `index` and returns the sink for it.
    func beginGeneration(_ index: Int, trouble: AsyncStream<DeviceHealth.Reason>.Continuation) -> DeviceEventSink {
        let (generation, id, role) = state.withLock { state in
            state.slots[index].generation += 1
            state.slots[index].running = true
            state.slots[index].reportedThisGeneration = false
            state.slots[index].trouble = trouble
            let slot = state.slots[index]
            return (slot.generation, slot.id, slot.role)
        }
        return DeviceEventSink(deviceID: id, role: role) { [self] event in
            deliver(event, index: index, generation: generation)
        }
    }

    /// Ends the current generation: from now on the device's sink is ignored.
    func endGeneration(_ index: Int) {
        let trouble = state.withLock { state in
            state.slots[index].running = false
            defer { state.slots[index].trouble = nil }
            return state.slots[index].trouble
        }
        trouble?.finish()
    }

    /// Asks the supervisor to stop and start the device again.
    func requestRestart(_ index: Int, reason: DeviceHealth.Reason) {
        let trouble = state.withLock { $0.slots[index].trouble }
        trouble?.yield(reason)
    }

    func setWaker(_ index: Int, _ waker: AsyncStream<Void>.Continuation?) {
        let old = state.withLock { state in
            defer { state.slots[index].waker = waker }
            return state.slots[index].waker
        }
        old?.finish()
    }

    /// Cuts a backoff wait short; returns false when the device was not waiting.
    func wake(_ index: Int) -> Bool {
        guard let waker = state.withLock({ $0.slots[index].waker }) else { return false }
        waker.yield()
        return true
    }

    func phase(_ index: Int) -> Phase {
        state.withLock { state in
            let slot = state.slots[index]
            if let misconfiguration = slot.misconfiguration { return .misconfigured(misconfiguration) }
            if slot.running { return .running }
            return slot.waker != nil ? .waiting : .idle
        }
    }

    // MARK: Reports

    private func deliver(_ event: DeviceEvent, index: Int, generation: Int) {
        let outcome = state.withLock { state -> (changed: DeviceHealth?, dropped: Int?)? in
            guard state.slots[index].generation == generation, state.slots[index].running else { return nil }
            var changed: DeviceHealth?
            switch event.body {
            case .data(let data):
                switch data {
                case .identityPresented: state.slots[index].counters.cardsRead += 1
                case .identityReadFailed: state.slots[index].counters.readFailures += 1
                case .codeScanned: state.slots[index].counters.codesScanned += 1
                case .identityRemoved, .pageScanned: break
                }
            case .status(let status):
                state.slots[index].reportedThisGeneration = true
                if state.slots[index].health != status.health {
                    state.slots[index].health = status.health
                    state.slots[index].since = Date()
                    changed = status.health
                }
                if status.health.state == .offline, status.health.action == .reset {
                    state.slots[index].trouble?.yield(status.health.reason ?? DeviceHealth.Reason(.offline))
                }
            }
            return (changed, Self.yield(event, into: continuation, state: &state))
        }
        guard let outcome else { return }
        if let health = outcome.changed {
            logger.info("device health changed", metadata: ["device": "\(event.deviceID)", "health": "\(health)"])
        }
        if let dropped = outcome.dropped { logDropped(dropped) }
    }

    /// Records health the manager learned itself (a failed start, a self-test, a stop) and reports it
    /// if it changed. With `onlyIfUnreported`, the device's own reports since its start win.
    func publish(_ index: Int, _ health: DeviceHealth, onlyIfUnreported: Bool = false) {
        let outcome = state.withLock { state -> (id: String, dropped: Int?)? in
            let slot = state.slots[index]
            if onlyIfUnreported, slot.reportedThisGeneration { return nil }
            guard slot.health != health else { return nil }
            state.slots[index].health = health
            state.slots[index].since = Date()
            let event = DeviceEvent(deviceID: slot.id, role: slot.role, body: .status(DeviceStatusEvent(health: health)))
            return (slot.id, Self.yield(event, into: continuation, state: &state))
        }
        guard let outcome else { return }
        logger.info("device health changed", metadata: ["device": "\(outcome.id)", "health": "\(health)"])
        if let dropped = outcome.dropped { logDropped(dropped) }
    }

    /// Yields to the merged stream; returns the running count of dropped events when one was dropped.
    private static func yield(_ event: DeviceEvent, into continuation: AsyncStream<DeviceEvent>.Continuation,
                              state: inout State) -> Int? {
        switch continuation.yield(event) {
        case .dropped:
            state.dropped += 1
            return state.dropped
        case .enqueued, .terminated:
            return nil
        @unknown default:
            return nil
        }
    }

    private func logDropped(_ count: Int) {
        // The first drop and then every hundredth: a stalled consumer must not flood the journal.
        guard count == 1 || count % 100 == 0 else { return }
        logger.warning("device event buffer full; oldest events dropped", metadata: ["dropped": "\(count)"])
    }

    // MARK: Counters

    func update(_ index: Int, _ change: (inout DeviceCounters) -> Void) {
        state.withLock { change(&$0.slots[index].counters) }
    }

    // MARK: Reading

    var droppedEvents: Int { state.withLock { $0.dropped } }

    func health(_ index: Int) -> DeviceHealth { state.withLock { $0.slots[index].health } }

    func snapshots() -> [DeviceSnapshot] {
        state.withLock { state in
            state.slots.map { slot in
                DeviceSnapshot(id: slot.id, role: slot.role, category: slot.category, driver: slot.driver,
                               model: slot.model, health: slot.health, healthSince: slot.since,
                               counters: slot.counters)
            }
        }
    }
}
