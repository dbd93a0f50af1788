import DeviceKit
import Foundation
import Testing
@testable import DocumentScan

/// SANE statuses as errors and health, with the test backend made to return each of them; cancel
/// from another task; a device that is not there.
@Suite("SANE statuses, cancel and missing devices")
struct StatusAndCancelTests {
    struct Expectation: Sendable, CustomTestStringConvertible {
        var status: String
        var code: String
        var action: RecommendedAction
        var health: DeviceHealth
        var testDescription: String { status }
    }

    static let statuses: [Expectation] = [
        Expectation(status: "SANE_STATUS_COVER_OPEN", code: "cover-open", action: .maintenance,
                    health: DeviceHealth(state: .userError, reason: .coverOpen, action: .maintenance)),
        Expectation(status: "SANE_STATUS_JAMMED", code: "media-jam", action: .maintenance,
                    health: DeviceHealth(state: .userError, reason: .mediaJam, action: .maintenance)),
        Expectation(status: "SANE_STATUS_NO_DOCS", code: "no-documents", action: .retry, health: .online),
        Expectation(status: "SANE_STATUS_DEVICE_BUSY", code: "busy", action: .retry,
                    health: DeviceHealth(state: .busy, reason: .busy, action: .retry)),
        Expectation(status: "SANE_STATUS_IO_ERROR", code: "io-error", action: .reset,
                    health: DeviceHealth(state: .offline, reason: .ioError, action: .reset)),
        Expectation(status: "SANE_STATUS_ACCESS_DENIED", code: "access-denied", action: .configuration,
                    health: DeviceHealth(state: .offline, reason: .accessDenied, action: .configuration)),
        Expectation(status: "SANE_STATUS_UNSUPPORTED", code: "unsupported", action: .configuration, health: .online),
        Expectation(status: "SANE_STATUS_INVAL", code: "invalid-argument", action: .configuration, health: .online),
        Expectation(status: "SANE_STATUS_CANCELLED", code: "cancelled", action: .none, health: .online),
        Expectation(status: "SANE_STATUS_EOF", code: "unexpected-end", action: .reset,
                    health: DeviceHealth(state: .offline, reason: .unexpectedEnd, action: .reset)),
        Expectation(status: "SANE_STATUS_NO_MEM", code: "out-of-memory", action: .retry,
                    health: DeviceHealth(state: .hardwareError, reason: .outOfMemory, action: .retry)),
    ]

    @Test("a status from the scanner becomes a typed error and the health an operator sees", arguments: statuses)
    func status(_ expected: Expectation) async throws {
        let settings = ScanSettings(resolutionDPI: 30, mode: .gray, backendOptions: ["read-return-value": expected.status])
        let (scanner, log) = try await TestSANE.scanner(settings: settings)
        defer { Task { await scanner.stop() } }
        do {
            let pages = try await scanner.scan()
            Issue.record("scan returned \(pages.count) pages instead of failing with \(expected.status)")
        } catch {
            #expect(error.code.rawValue == expected.code)
            #expect(error.action == expected.action)
            #expect(error.detail.contains(scanner.deviceName))
        }
        #expect(await scanner.currentHealth() == expected.health)
        // The sink heard it too, after the busy of the scan itself.
        #expect(log.all.last == expected.health)
        #expect(log.all.contains(DeviceHealth(state: .busy)))
        // A self-test (open and close) finds the device there again.
        #expect(await scanner.selfTest() == .online)
    }

    static let slow = ["read-delay": "yes", "read-delay-duration": "200000"]

    @Test("cancel from another task stops a slow scan part-way, and the next scan works")
    func cancelMidScan() async throws {
        // The backend waits 0.2 s after each 64 KB it hands over: a 3.3 MB page takes ten seconds.
        let settings = ScanSettings(resolutionDPI: 300, mode: .color, backendOptions: Self.slow)
        let (scanner, _) = try await TestSANE.scanner(settings: settings)
        defer { Task { await scanner.stop() } }
        let progress = ProgressLog()
        let started = ContinuousClock.now
        let scan = Task { try await scanner.scan(settings: nil, progress: progress.record) }
        // Cancel once some of the page has arrived.
        while progress.all.isEmpty {
            try await Task.sleep(for: .milliseconds(20))
            if ContinuousClock.now - started > .seconds(20) { break }
        }
        scanner.cancel()
        let result = await scan.result
        #expect(throws: DeviceError(code: .cancelled, action: .none, detail: "scan on \(scanner.deviceName) cancelled")) {
            try result.get()
        }
        let read = try #require(progress.all.last)
        // Stopped part-way: the page was not read to its end (how fast is for benchmarks, not tests).
        #expect(read.bytesRead < (read.expectedBytes ?? 0))

        #expect(await scanner.currentHealth() == .online)

        // Not wedged: the same scanner scans again at full speed.
        var fast = settings
        fast.backendOptions = ["read-delay": "no"]
        fast.resolutionDPI = 50
        #expect(try await scanner.scan(settings: fast, progress: { _ in }).count == 1)
    }

    @Test("cancelling the task that scans cancels the scan")
    func taskCancel() async throws {
        let (scanner, _) = try await TestSANE.scanner(settings: ScanSettings(resolutionDPI: 300, mode: .color, backendOptions: Self.slow))
        defer { Task { await scanner.stop() } }
        let progress = ProgressLog()
        let scan = Task { try await scanner.scan(settings: nil, progress: progress.record) }
        while progress.all.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        scan.cancel()
        do {
            _ = try await scan.value
            Issue.record("the scan finished although its task was cancelled")
        } catch let error as DeviceError {
            #expect(error.code == .cancelled)
        }
    }

    @Test("a second scan while one runs is refused as busy")
    func busy() async throws {
        // About a second and a half at this resolution.
        let (scanner, _) = try await TestSANE.scanner(settings: ScanSettings(resolutionDPI: 120, mode: .color, backendOptions: Self.slow))
        defer { Task { await scanner.stop() } }
        let progress = ProgressLog()
        let first = Task { try await scanner.scan(settings: nil, progress: progress.record) }
        while progress.all.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        await #expect(throws: DeviceError.self) { try await scanner.scan() }
        #expect(await scanner.currentHealth() == DeviceHealth(state: .busy))
        #expect(try await first.value.count == 1)
    }

    @Test("a device SANE does not have is offline, start fails, and a scan says not-found",
          arguments: ["test:999", "nosuchbackend:0"])
    func missingDevice(name: String) async throws {
        TestSANE.prepare()
        let scanner = SANEDocumentScanner(id: "gone", deviceName: name)
        let health = await scanner.selfTest()
        #expect(health == .offline(.notFound), "\(health)")
        await #expect(throws: DeviceError.self) { try await scanner.start(sink: HealthLog().sink(id: "gone")) }
        await #expect(throws: DeviceError.self) { try await scanner.reset() }
        do {
            _ = try await scanner.scan()
            Issue.record("a scan on a missing device returned pages")
        } catch {
            // Not started, so the driver refuses before SANE is asked.
            #expect(error.code == .notStarted)
        }
    }

    @Test("a feeder scan on a device without a feeder is a configuration error")
    func optionsTheDeviceLacks() async throws {
        // The test backend has a source option, so ask for a mode it does not have by an option value.
        let (scanner, _) = try await TestSANE.scanner(settings: ScanSettings(resolutionDPI: 30, mode: .gray, backendOptions: ["no-such-option": "1"]))
        defer { Task { await scanner.stop() } }
        do {
            _ = try await scanner.scan()
            Issue.record("a scan with an unknown option succeeded")
        } catch {
            #expect(error.code == .unsupported)
            #expect(error.action == .configuration)
        }
        var bad = scanner.settings
        bad.backendOptions = ["test-picture": "Mona Lisa"]
        await #expect(throws: DeviceError.self) { try await scanner.scan(settings: bad, progress: { _ in }) }
        #expect(await scanner.currentHealth() == .online)
    }

    @Test("stop is safe twice and leaves nothing running")
    func stopTwice() async throws {
        let (scanner, _) = try await TestSANE.scanner(settings: ScanSettings(resolutionDPI: 20, mode: .gray))
        await scanner.stop()
        await scanner.stop()
        await #expect(throws: DeviceError.self) { try await scanner.scan() }
    }
}
