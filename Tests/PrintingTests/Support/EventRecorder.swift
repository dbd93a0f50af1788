import DeviceKit
import PrintingTestBed
import Synchronization

/// Collects what a driver reports through its sink.
final class EventRecorder: Sendable {
    private let events = Mutex<[DeviceEvent]>([])

    func sink(id: String) -> DeviceEventSink {
        DeviceEventSink(deviceID: id, role: .receiptPrinter) { [self] event in self.events.withLock { $0.append(event) } }
    }

    var healths: [DeviceHealth] {
        events.withLock { events in
            events.compactMap { if case .status(let status) = $0.body { status.health } else { nil } }
        }
    }

    /// How many healths were reported so far.
    var count: Int { healths.count }

    /// Waits until a health reported after the first `skip` satisfies `condition`.
    func waitForHealth(_ timeout: Duration = .seconds(15), _ what: String, after skip: Int = 0,
                       _ condition: @escaping (DeviceHealth) -> Bool) async throws -> DeviceHealth {
        try await waitUntil(timeout, "health \(what), got \(healths)") { healths.dropFirst(skip).contains(where: condition) }
        return healths.dropFirst(skip).last(where: condition)!
    }
}
