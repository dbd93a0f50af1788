import DeviceKit
import Foundation
import Testing

@Suite("Simulated code scanner")
struct SimulatedCodeScannerTests {
    let recorder = EventRecorder()

    @Test("a code shown to the scanner arrives as its bytes")
    func scans() async throws {
        let scanner = SimulatedCodeScanner(id: "scanner", latency: .milliseconds(10))
        try await scanner.start(sink: recorder.sink(for: scanner, role: .codeScanner))
        #expect(scanner.scan(text: "QJ-2025-000123"))
        #expect(scanner.scan([0x01, 0x1B, 0x5B]))
        #expect(await recorder.wait { $0.data().count == 2 })
        #expect(recorder.data() == [.codeScanned(Array("QJ-2025-000123".utf8)), .codeScanned([0x01, 0x1B, 0x5B])])
    }

    @Test("unplugged, it reports offline with action reset and loses codes; plugged back, it scans again")
    func disconnect() async throws {
        let scanner = SimulatedCodeScanner(id: "scanner", latency: .milliseconds(20))
        try await scanner.start(sink: recorder.sink(for: scanner, role: .codeScanner))
        #expect(scanner.scan(text: "lost"))
        scanner.disconnect()
        #expect(!scanner.scan(text: "ignored"))
        #expect(recorder.health() == [.online, DeviceHealth(state: .offline, reason: .disconnected, action: .reset)])
        try await Task.sleep(for: .milliseconds(60))
        #expect(recorder.data().isEmpty)

        scanner.reconnect()
        #expect(recorder.health().last == .online)
        #expect(scanner.scan(text: "back"))
        #expect(await recorder.wait { $0.data() == [.codeScanned(Array("back".utf8))] })
    }

    @Test("a scanner that is not started reports nothing")
    func notStarted() {
        let scanner = SimulatedCodeScanner(id: "scanner", latency: .milliseconds(1))
        #expect(!scanner.scan(text: "x"))
    }
}

@Suite("Simulated document scanner")
struct SimulatedDocumentScannerTests {
    let recorder = EventRecorder()

    func startedScanner(latency: Duration = .milliseconds(30)) async throws -> SimulatedDocumentScanner {
        let scanner = SimulatedDocumentScanner(id: "docs", latency: latency)
        try await scanner.start(sink: recorder.sink(for: scanner, role: .documentScanner))
        return scanner
    }

    @Test("fed pages come back from a scan after the latency, busy meanwhile")
    func scansFedPages() async throws {
        let scanner = try await startedScanner()
        let pages = [SimulatedDocumentScanner.samplePage(number: 1), SimulatedDocumentScanner.samplePage(number: 2)]
        scanner.feed(pages: pages)
        #expect(scanner.pagesWaiting == 2)
        let began = ContinuousClock.now
        let scanned = try await scanner.scan()
        #expect(ContinuousClock.now - began >= .milliseconds(30))
        #expect(scanned == pages)
        #expect(scanner.pagesWaiting == 0)
        #expect(recorder.health() == [.online, DeviceHealth(state: .busy), .online])
        #expect(pages[0] != pages[1])
        #expect(pages[0].data.count == Array("P5\n64 48\n255\n".utf8).count + 64 * 48)
    }

    @Test("an empty feeder gives no-documents with action retry")
    func empty() async throws {
        let scanner = try await startedScanner()
        let error = await #expect(throws: DeviceError.self) { try await scanner.scan() }
        #expect(error?.code == .noDocuments)
        #expect(error?.action == .retry)
    }

    @Test("unplugged, it reports offline and refuses to scan; the pages stay in the feeder")
    func disconnected() async throws {
        let scanner = try await startedScanner()
        scanner.feed(pages: [SimulatedDocumentScanner.samplePage()])
        scanner.disconnect()
        #expect(recorder.health().last == DeviceHealth(state: .offline, reason: .disconnected, action: .reset))
        let error = await #expect(throws: DeviceError.self) { try await scanner.scan() }
        #expect(error?.code == .disconnected)
        #expect(scanner.pagesWaiting == 1)
        scanner.reconnect()
        #expect(try await scanner.scan().count == 1)
    }

    @Test("unplugged during a scan, the scan fails and the pages are kept")
    func disconnectedDuringScan() async throws {
        // Long enough that a busy machine still sees the scan running before it could finish.
        let scanner = try await startedScanner(latency: .seconds(1))
        scanner.feed(pages: [SimulatedDocumentScanner.samplePage()])
        async let result = scanResult(scanner)
        #expect(await recorder.wait { $0.health().last == DeviceHealth(state: .busy) })
        scanner.disconnect()
        guard case .failure(let error) = await result else {
            Issue.record("expected the scan to fail")
            return
        }
        #expect(error.code == .disconnected)
        #expect(scanner.pagesWaiting == 1)
    }
}

private func scanResult(_ scanner: some DocumentScanner) async -> Result<[ScannedPage], DeviceError> {
    do {
        return .success(try await scanner.scan())
    } catch {
        return .failure(error)
    }
}
