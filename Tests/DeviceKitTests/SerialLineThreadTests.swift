import DeviceKit
import Foundation
import Synchronization
import Testing

@Suite("Serial line thread")
struct SerialLineThreadTests {
    static let quickBackoff = RestartBackoff(initial: .milliseconds(10), maximum: .milliseconds(20))

    @Test("a missing path is offline (disconnected) and tried again until stopped; health checks are answered")
    func missingPath() async {
        let line = SerialLineThread(path: "/dev/kiosk-test-missing-\(UUID().uuidString)", baud: 9600,
                                    reopenBackoff: Self.quickBackoff, name: "test-serial")
        #expect(line.health == .offline(.notStarted))
        #expect(!line.requestReopen())
        #expect(await line.nextHealthCheck() == .offline(.notStarted))
        let recorder = EventRecorder()
        let opens = LineLog()
        await line.start(sink: DeviceEventSink(deviceID: "line", role: .codeScanner) { recorder.append($0) }) { run in
            run.keepOpen { _, _ in opens.opened.add(1, ordering: .sequentiallyConsistent) }
        }
        #expect(await recorder.wait(timeout: .seconds(5)) { $0.health() == [.offline(.disconnected)] })
        // While the line is down, the offline health answers a self-test.
        #expect(await line.nextHealthCheck() == .offline(.disconnected))
        #expect(line.requestReopen())
        await line.stop()
        #expect(!line.requestReopen())
        #expect(opens.opened.load(ordering: .sequentiallyConsistent) == 0)
        #expect(recorder.health() == [.offline(.disconnected)])
    }

    @Test("an open line goes to the session; a reopen closes it and opens it again; health checks wait for the session")
    func reopen() async throws {
        var master: Int32 = -1
        var slave: Int32 = -1
        var name = [CChar](repeating: 0, count: 256)
        try #require(openpty(&master, &slave, &name, nil, nil) == 0)
        defer {
            close(master)
            close(slave)
        }
        let path = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let line = SerialLineThread(path: path, baud: 9600, reopenBackoff: Self.quickBackoff,
                                    name: "test-serial")
        let recorder = EventRecorder()
        let log = LineLog()
        await line.start(sink: DeviceEventSink(deviceID: "line", role: .codeScanner) { recorder.append($0) }) { run in
            run.keepOpen { _, failures in
                run.setHealth(.online)
                failures = 0
                log.opened.add(1, ordering: .sequentiallyConsistent)
                while run.isCurrent, !run.takeReopenRequest() {
                    if run.healthCheckWaiting {
                        run.setHealth(DeviceHealth(state: .busy))
                        run.answerHealthChecks()
                    }
                    run.pause(.milliseconds(5))
                }
            }
        }
        #expect(await eventually(timeout: .seconds(5)) { log.opened.load(ordering: .sequentiallyConsistent) == 1 })
        #expect(await line.nextHealthCheck() == DeviceHealth(state: .busy))
        #expect(line.requestReopen())
        #expect(await eventually(timeout: .seconds(5)) { log.opened.load(ordering: .sequentiallyConsistent) == 2 })
        await line.stop()
        #expect(recorder.health() == [.online, DeviceHealth(state: .busy), .online])
        // Started again: a new start, from the line's last health.
        await line.start(sink: DeviceEventSink(deviceID: "line", role: .codeScanner) { recorder.append($0) }) { run in
            run.keepOpen { _, _ in
                log.opened.add(1, ordering: .sequentiallyConsistent)
                run.pause(.milliseconds(5))
            }
        }
        #expect(await eventually(timeout: .seconds(5)) { log.opened.load(ordering: .sequentiallyConsistent) > 2 })
        await line.stop()
    }
}

/// What a test's sessions saw.
final class LineLog: Sendable {
    let opened = Atomic<Int>(0)
}
