import DeviceKit
import Foundation
import GA467Emulator
import ResidentID
import Synchronization
import Testing

/// Records what a device reports, for tests to wait on.
final class EventRecorder: Sendable {
    private let events = Mutex<[DeviceEvent]>([])

    func sink(id: String) -> DeviceEventSink {
        DeviceEventSink(deviceID: id, role: .identityReader) { [self] event in
            events.withLock { $0.append(event) }
        }
    }

    var all: [DeviceEvent] { events.withLock { $0 } }

    var data: [DeviceDataEvent] {
        all.compactMap { if case .data(let data) = $0.body { data } else { nil } }
    }

    var health: [DeviceHealth] {
        all.compactMap { if case .status(let status) = $0.body { status.health } else { nil } }
    }

    var presented: [Identity] {
        data.compactMap { if case .identityPresented(let identity) = $0 { identity } else { nil } }
    }

    var failures: [DeviceError] {
        data.compactMap { if case .identityReadFailed(let error) = $0 { error } else { nil } }
    }

    var removals: Int { data.filter { $0 == .identityRemoved }.count }

    /// Waits until `condition` holds, up to `timeout`; returns whether it did.
    func wait(_ timeout: Duration = .seconds(10), until condition: (EventRecorder) -> Bool) async -> Bool {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            if condition(self) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition(self)
    }
}

/// A private folder with an emulator linked into it, and a reader on that link.
struct EmulatorBench {
    let folder: URL
    let emulator: GA467Emulator
    let reader: GA467Reader
    let events = EventRecorder()

    init(card: EmulatedCard?, faults: GA467Emulator.Faults = .init(), plugged: Bool = true,
         settings: (String) -> GA467Reader.Settings = { GA467Reader.Settings(path: $0, pollInterval: .milliseconds(30)) }) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("ga467-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let link = folder.appendingPathComponent("ttyGA467").path
        emulator = GA467Emulator(linkPath: link, card: card, faults: faults)
        if plugged { try emulator.plug() }
        reader = GA467Reader(id: "reader-1", settings: settings(link))
    }

    var linkPath: String { emulator.linkPath }

    func start() async throws { try await reader.start(sink: events.sink(id: reader.id)) }

    func finish() async {
        await reader.stop()
        emulator.unplug()
        try? FileManager.default.removeItem(at: folder)
    }
}
