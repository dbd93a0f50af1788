import DeviceKit
import Foundation
import Testing

@Suite("DeviceManager")
struct DeviceManagerTests {
    @Test("merges the data and status events of several devices into one stream")
    func mergesEvents() async throws {
        let reader = SimulatedIdentityReader(id: "reader-1", readLatency: .milliseconds(10))
        let scanner = SimulatedCodeScanner(id: "scanner-1", latency: .milliseconds(5))
        let printer = SimulatedPrinter(id: "printer-1", jobTime: .milliseconds(10))
        let documents = SimulatedDocumentScanner(id: "docs-1", latency: .milliseconds(10))
        let kiosk = RunningManager([
            ManagedDevice(reader, role: .identityReader),
            ManagedDevice(scanner, role: .codeScanner),
            ManagedDevice(printer, role: .certificatePrinter),
            ManagedDevice(documents, role: .documentScanner),
        ])
        #expect(await kiosk.recorder.wait { recorder in
            ["reader-1", "scanner-1", "printer-1", "docs-1"].allSatisfy { recorder.health(of: $0).last == .online }
        })

        reader.insert(SimulatedIdentities.residentID)
        scanner.scan(text: "PICKUP-4711")
        printer.setFault(.paperLow)
        #expect(await kiosk.recorder.wait { recorder in
            recorder.data(of: "reader-1") == [.identityPresented(SimulatedIdentities.residentID)]
                && recorder.data(of: "scanner-1") == [.codeScanned(Array("PICKUP-4711".utf8))]
                && recorder.health(of: "printer-1").last?.reason == .mediaLow
        })
        let presented = kiosk.recorder.events.first { $0.deviceID == "reader-1" && $0.body == .data(.identityPresented(SimulatedIdentities.residentID)) }
        #expect(presented?.role == .identityReader)
        #expect(kiosk.recorder.events.filter { $0.deviceID == "printer-1" }.allSatisfy { $0.role == .certificatePrinter })
        #expect(await kiosk.manager.health(of: .certificatePrinter) == DeviceHealth(state: .online, reason: .mediaLow, action: .replenish))
        await kiosk.shutdown()
    }

    @Test("a device whose start fails twice is restarted with backoff, then reports online")
    func restartsWithBackoff() async throws {
        let flaky = FlakyReader(id: "flaky", failingStarts: 2)
        let backoff = RestartBackoff(initial: .milliseconds(20), maximum: .milliseconds(50), multiplier: 2, jitter: 0)
        let kiosk = RunningManager([ManagedDevice(flaky, role: .identityReader)], backoff: backoff)
        #expect(await kiosk.recorder.wait { $0.health(of: "flaky").last == .online })

        #expect(flaky.starts == 3)
        let times = flaky.startTimes
        #expect(times.count == 3)
        if times.count == 3 {
            #expect(times[1] - times[0] >= .milliseconds(20), "first wait is the initial delay")
            #expect(times[2] - times[1] >= .milliseconds(40), "second wait doubles")
        }
        // The failed starts are reported once (the health did not change between them), then online.
        #expect(kiosk.recorder.health(of: "flaky") == [DeviceHealth(state: .offline, reason: .serialOpenFailed, action: .reset), .online])
        let snapshot = await kiosk.snapshot("flaky")
        #expect(snapshot?.counters.restarts == 2)
        #expect(snapshot?.health == .online)
        #expect(await kiosk.manager.health(of: .identityReader) == .online)
        let warnings = kiosk.logs.logged.filter { $0.level == .warning && $0.message == "device failed to start; retrying" }
        #expect(warnings.map { $0.metadata["attempt"]?.description } == ["1", "2"])
        #expect(warnings.allSatisfy { $0.metadata["device"]?.description == "flaky" })
        await kiosk.shutdown()
    }

    @Test("cancelling run() stops every device, reports them stopped and ends the event stream")
    func cancellationStops() async throws {
        let flaky = FlakyReader(id: "steady", failingStarts: 0)
        let reader = SimulatedIdentityReader(id: "reader", readLatency: .milliseconds(5))
        let kiosk = RunningManager([ManagedDevice(flaky, role: .identityReader), ManagedDevice(reader, role: .identityReader)])
        #expect(await kiosk.recorder.wait { $0.health(of: "steady").last == .online && $0.health(of: "reader").last == .online })
        #expect(flaky.isStarted)

        await kiosk.shutdown() // returns only once run() has returned and the stream has ended

        #expect(!flaky.isStarted)
        #expect(flaky.stops >= 1)
        let stopped = DeviceHealth(state: .offline, reason: .stopped)
        #expect(await kiosk.manager.snapshot().map(\.health) == [stopped, stopped])
        #expect(kiosk.recorder.health(of: "reader").last == stopped)
        // A stopped reader reports nothing more.
        reader.insert(SimulatedIdentities.residentID)
        try await Task.sleep(for: .milliseconds(30))
        #expect(kiosk.recorder.data(of: "reader").isEmpty)
    }

    @Test("a device that reports offline with action reset is stopped and started again until it is back")
    func restartsAfterOffline() async throws {
        let reader = SimulatedIdentityReader(id: "reader", readLatency: .milliseconds(5))
        let kiosk = RunningManager([ManagedDevice(reader, role: .identityReader)])
        #expect(await kiosk.recorder.wait { $0.health(of: "reader").last == .online })

        reader.disconnect()
        // While unplugged, each start fails and is retried.
        #expect(await eventually { await kiosk.snapshot("reader")?.counters.restarts ?? 0 >= 2 })
        #expect(await kiosk.manager.health(of: .identityReader)?.state == .offline)
        #expect(await kiosk.manager.health(of: .identityReader)?.action == .reset)

        reader.reconnect()
        #expect(await kiosk.recorder.wait { $0.health(of: "reader").last == .online })
        reader.insert(SimulatedIdentities.passport)
        #expect(await kiosk.recorder.wait { $0.data(of: "reader") == [.identityPresented(SimulatedIdentities.passport)] })
        await kiosk.shutdown()
    }

    @Test("counts cards, codes, pages and jobs per device")
    func snapshotCounters() async throws {
        let reader = SimulatedIdentityReader(id: "reader", readLatency: .milliseconds(5))
        let scanner = SimulatedCodeScanner(id: "scanner", latency: .milliseconds(2))
        let printer = SimulatedPrinter(id: "printer", jobTime: .milliseconds(5))
        let documents = SimulatedDocumentScanner(id: "docs", latency: .milliseconds(5))
        let kiosk = RunningManager([
            ManagedDevice(reader, role: .identityReader),
            ManagedDevice(scanner, role: .codeScanner),
            ManagedDevice(printer, role: .certificatePrinter),
            ManagedDevice(documents, role: .documentScanner),
        ])
        #expect(await kiosk.recorder.wait { $0.health().filter { $0 == .online }.count == 4 })

        for identity in [SimulatedIdentities.residentID, SimulatedIdentities.passport] {
            reader.insert(identity)
            #expect(await kiosk.recorder.wait { $0.data(of: "reader").last == .identityPresented(identity) })
            reader.remove()
        }
        reader.failNextRead()
        reader.insert(SimulatedIdentities.residentID)
        for code in ["A", "B", "C"] { scanner.scan(text: code) }
        #expect(await kiosk.recorder.wait { $0.data(of: "scanner").count == 3 && $0.data(of: "reader").count == 5 })

        let handle = try #require(await kiosk.manager.printer(for: .certificatePrinter))
        #expect(handle.id == "printer")
        #expect(await handle.print(PrintJob(kind: .certificate, title: "不动产权证书", format: "application/pdf", document: samplePDF(), pages: 3)) == .completed)
        #expect(await handle.print(PrintJob(kind: .receipt, title: "回执", format: "text/plain", document: Data("ok".utf8))) == .completed)
        printer.setFault(.jam)
        #expect(await handle.print(PrintJob(kind: .receipt, title: "回执", format: "text/plain", document: Data("ok".utf8))) != .completed)

        let docs = try #require(await kiosk.manager.documentScanner())
        documents.feed(pages: [SimulatedDocumentScanner.samplePage(number: 1), SimulatedDocumentScanner.samplePage(number: 2)])
        #expect(try await docs.scan().count == 2)
        await #expect(throws: DeviceError.self) { try await docs.scan() } // empty: not a device failure

        let counters = await Dictionary(uniqueKeysWithValues: kiosk.manager.snapshot().map { ($0.id, $0.counters) })
        #expect(counters["reader"]?.cardsRead == 2)
        #expect(counters["reader"]?.readFailures == 1)
        #expect(counters["scanner"]?.codesScanned == 3)
        #expect(counters["printer"]?.jobsPrinted == 2)
        #expect(counters["printer"]?.pagesPrinted == 4)
        #expect(counters["printer"]?.jobsFailed == 1)
        #expect(counters["docs"]?.pagesScanned == 2)
        #expect(counters["docs"]?.jobsFailed == 0)
        #expect(counters.values.allSatisfy { $0.restarts == 0 })

        // Snapshots go to kioskctl as JSON.
        let snapshot = await kiosk.manager.snapshot()
        let decoded = try JSONDecoder().decode([DeviceSnapshot].self, from: JSONEncoder().encode(snapshot))
        #expect(decoded == snapshot)
        #expect(decoded.map(\.model) == ["sim-identity-reader", "sim-code-scanner", "sim-printer", "sim-document-scanner"])
        #expect(decoded.first { $0.id == "printer" }?.health == DeviceHealth(state: .userError, reason: .mediaJam, action: .maintenance))
        await kiosk.shutdown()
    }

    @Test("the printer handle belongs to the manager: a flow cannot start it")
    func handleRefusesStart() async throws {
        let printer = SimulatedPrinter(id: "printer", jobTime: .milliseconds(5))
        let kiosk = RunningManager([ManagedDevice(printer, role: .receiptPrinter)])
        let handle = try #require(await kiosk.manager.printer(for: .receiptPrinter))
        let error = await #expect(throws: DeviceError.self) {
            try await handle.start(sink: DeviceEventSink(deviceID: "x", role: .receiptPrinter) { _ in })
        }
        #expect(error?.code == .managed)
        #expect(await kiosk.manager.printer(for: .certificatePrinter) == nil)
        #expect(await kiosk.manager.documentScanner() == nil)
        await kiosk.shutdown()
    }

    @Test("health(of:) gives the best device of a role, and nil for a role nobody fills")
    func healthOfRole() async throws {
        let ga467 = SimulatedIdentityReader(id: "resident-reader", readLatency: .milliseconds(5))
        let pcsc = SimulatedIdentityReader(id: "passport-reader", readLatency: .milliseconds(5))
        let kiosk = RunningManager([ManagedDevice(ga467, role: .identityReader), ManagedDevice(pcsc, role: .identityReader)],
                                   backoff: RestartBackoff(initial: .seconds(60), maximum: .seconds(60)))
        #expect(await kiosk.recorder.wait { $0.health().filter { $0 == .online }.count == 2 })
        ga467.disconnect()
        #expect(await kiosk.recorder.wait { $0.health(of: "resident-reader").last?.state == .offline })
        #expect(await kiosk.manager.health(of: .identityReader) == .online)
        #expect(await kiosk.manager.health(of: .codeScanner) == nil)
        await kiosk.shutdown()
    }

    @Test("an operator's reset restarts a device waiting out its backoff at once")
    func resetWakesBackoff() async throws {
        let reader = SimulatedIdentityReader(id: "reader", readLatency: .milliseconds(5))
        let kiosk = RunningManager([ManagedDevice(reader, role: .identityReader)],
                                   backoff: RestartBackoff(initial: .seconds(60), maximum: .seconds(60), jitter: 0))
        #expect(await kiosk.recorder.wait { $0.health(of: "reader").last == .online })
        reader.disconnect()
        #expect(await kiosk.recorder.wait { $0.health(of: "reader").last == .offline(.disconnected) })
        reader.reconnect() // unplugged and back: the manager would wait a minute before trying again

        let began = ContinuousClock.now
        try await kiosk.manager.reset(id: "reader")
        // Well before the minute the backoff would have waited, even on a loaded machine.
        #expect(await kiosk.recorder.wait(timeout: .seconds(30)) { $0.health(of: "reader").last == .online })
        #expect(ContinuousClock.now - began < .seconds(30))
        #expect(await kiosk.snapshot("reader")?.counters.restarts == 1)
        await kiosk.shutdown()
    }

    @Test("self-test reports the device's health; unknown ids are refused")
    func operatorCommands() async throws {
        let printer = SimulatedPrinter(id: "printer", jobTime: .milliseconds(5))
        let kiosk = RunningManager([ManagedDevice(printer, role: .certificatePrinter)])
        #expect(await kiosk.recorder.wait { $0.health(of: "printer").last == .online })
        printer.setFault(.paperOut)
        #expect(try await kiosk.manager.selfTest(id: "printer") == DeviceHealth(state: .userError, reason: .mediaEmpty, action: .replenish))
        try await kiosk.manager.reset(id: "printer")
        #expect(await kiosk.manager.health(of: .certificatePrinter)?.reason == DeviceHealth.Reason(.mediaEmpty), "a reset does not refill paper")

        let unknown = await #expect(throws: DeviceError.self) { try await kiosk.manager.selfTest(id: "nope") }
        #expect(unknown?.code == .unknownDevice)
        #expect(unknown?.action == .configuration)
        await #expect(throws: DeviceError.self) { try await kiosk.manager.reset(id: "nope") }
        await kiosk.shutdown()
    }

    @Test("a device in the wrong role or with a taken id is not started and says to fix the configuration")
    func misconfigured() async throws {
        let printer = SimulatedPrinter(id: "dev", jobTime: .milliseconds(5))
        let wrongRole = SimulatedCodeScanner(id: "scanner", latency: .milliseconds(5))
        let duplicate = SimulatedIdentityReader(id: "dev", readLatency: .milliseconds(5))
        let kiosk = RunningManager([
            ManagedDevice(printer, role: .receiptPrinter),
            ManagedDevice(wrongRole, role: .identityReader),
            ManagedDevice(duplicate, role: .identityReader),
        ])
        #expect(await kiosk.recorder.wait { $0.health(of: "dev").last == .online })
        let snapshot = await kiosk.manager.snapshot()
        #expect(snapshot.map(\.health) == [
            .online,
            DeviceHealth(state: .offline, reason: .roleMismatch, action: .configuration),
            DeviceHealth(state: .offline, reason: .duplicateID, action: .configuration),
        ])
        #expect(!wrongRole.scan(text: "never started"))
        #expect(await kiosk.manager.health(of: .identityReader)?.action == .configuration)
        #expect(kiosk.logs.logged.filter { $0.level == .error }.count == 2)
        await kiosk.shutdown()
    }

    @Test("when nobody reads the events, the oldest are dropped and a warning is logged")
    func fullBuffer() async throws {
        let scanner = SimulatedCodeScanner(id: "scanner", latency: .milliseconds(1))
        let logs = LogCapture()
        let manager = DeviceManager(devices: [ManagedDevice(scanner, role: .codeScanner)], logger: logs.logger(),
                                    backoff: quickBackoff, eventBufferSize: 2)
        let running = Task { await manager.run() }
        #expect(await eventually { await manager.health(of: .codeScanner) == .online })
        for index in 0..<5 { scanner.scan(text: "code-\(index)") }
        #expect(await eventually { await manager.snapshot().first?.counters.codesScanned == 5 })
        #expect(logs.logged.contains { $0.level == .warning && $0.message.hasPrefix("device event buffer full") })

        var codes: [String] = []
        var iterator = manager.events.makeAsyncIterator()
        while codes.count < 2, let event = await iterator.next() {
            if case .data(.codeScanned(let bytes)) = event.body { codes.append(String(decoding: bytes, as: UTF8.self)) }
            else { break }
        }
        #expect(codes == ["code-3", "code-4"], "the newest are kept")
        running.cancel()
        await running.value
    }
}
