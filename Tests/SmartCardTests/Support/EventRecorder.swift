import DeviceKit
import Foundation
import Synchronization

/// Collects a device's events, for tests that wait for one.
final class EventRecorder: Sendable {
    private let events = Mutex<[DeviceEvent]>([])

    func sink(id: String) -> DeviceEventSink {
        DeviceEventSink(deviceID: id, role: .identityReader) { [self] event in events.withLock { $0.append(event) } }
    }

    var all: [DeviceEvent] { events.withLock { $0 } }

    var healths: [DeviceHealth] {
        all.compactMap { if case .status(let status) = $0.body { status.health } else { nil } }
    }

    var removals: Int {
        all.filter { $0.body == .data(.identityRemoved) }.count
    }
}

/// Polls `condition` every 20 ms until it holds or `seconds` pass.
func eventually(_ seconds: Double = 10, _ condition: () async -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}
