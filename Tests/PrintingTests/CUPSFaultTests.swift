import DeviceKit
import Foundation
import Printing
import PrintingTestBed
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Paused queues, stopped and unreachable printers, and jobs that never finish, on real services.
@Suite("CUPS printer faults against cupsd and ippeveprinter")
struct CUPSFaultTests {
    static func receiptJob(_ printer: CUPSPrinter) throws -> PrintJob {
        try printer.receiptJob(ReceiptRenderingTests.receipt())
    }

    static func failure(_ outcome: PrintOutcome) -> DeviceError? {
        if case .failed(let error) = outcome { error } else { nil }
    }

    @Test("a paused queue (cupsdisable) reports paused, refuses jobs without queuing them, and recovers")
    func pausedQueue() async throws {
        try await PrinterOnBed.with { setup in
            _ = try await setup.bed.cups("cupsdisable", ["kiosk"])
            let health = try await setup.recorder.waitForHealth(.seconds(10), "paused") { $0.reason == .paused }
            #expect(health == DeviceHealth(state: .offline, reason: .paused, action: .maintenance))
            let error = Self.failure(await setup.printer.print(try Self.receiptJob(setup.printer)))
            #expect(error?.code == .printerStopped)
            #expect(error?.action == .maintenance)
            #expect(try await setup.bed.cups("lpstat", ["-W", "all", "-o", "kiosk"]).isEmpty, "no job waits to print later")
            let reported = setup.recorder.count
            _ = try await setup.bed.cups("cupsenable", ["kiosk"])
            _ = try await setup.recorder.waitForHealth(.seconds(10), "online again", after: reported) { $0 == .online }
            #expect(await setup.printer.print(try Self.receiptJob(setup.printer)) == .completed)
        }
    }

    @Test("a queue that rejects jobs (cupsreject) reports not-accepting-jobs and refuses jobs")
    func rejectingQueue() async throws {
        try await PrinterOnBed.with { setup in
            _ = try await setup.bed.cups("cupsreject", ["kiosk"])
            let health = try await setup.recorder.waitForHealth(.seconds(10), "not accepting") { $0.reason == .notAcceptingJobs }
            #expect(health.state == .offline)
            #expect(Self.failure(await setup.printer.print(try Self.receiptJob(setup.printer)))?.code == .printerStopped)
        }
    }

    @Test("a printer that stopped (ippeveprinter killed) reports offline, refuses jobs, and recovers when it is back")
    func stoppedPrinter() async throws {
        try await PrinterOnBed.with { setup in
            _ = try await setup.recorder.waitForHealth(.seconds(10), "online") { $0 == .online }
            setup.bed.printer?.terminate()
            let health = try await setup.recorder.waitForHealth(.seconds(10), "device unreachable") { $0.reason == .deviceUnreachable }
            #expect(health == DeviceHealth(state: .offline, reason: .deviceUnreachable, action: .reset))
            let error = Self.failure(await setup.printer.print(try Self.receiptJob(setup.printer)))
            #expect(error?.code == .printerOffline)
            #expect(try await setup.bed.cups("lpstat", ["-W", "all", "-o", "kiosk"]).isEmpty, "no job waits to print later")
            let reported = setup.recorder.count
            try await setup.bed.startIPPEverywherePrinter()
            _ = try await setup.recorder.waitForHealth(.seconds(10), "online again", after: reported) { $0 == .online }
            #expect(await setup.printer.currentHealth() == .online)
        }
    }

    @Test("an unreachable print server fails start, self-test and jobs with printer-unreachable")
    func unreachableServer() async throws {
        let port = try freePort()
        let printer = CUPSPrinter(id: "nowhere", settings: CUPSPrinterSettings(queue: "kiosk", server: .tcp(host: "127.0.0.1", port: port)))
        await #expect(throws: DeviceError.self) { try await printer.start(sink: EventRecorder().sink(id: "nowhere")) }
        do {
            try await printer.start(sink: EventRecorder().sink(id: "nowhere"))
        } catch let error as DeviceError {
            #expect(error.code == .printerUnreachable)
            #expect(error.action == .reset)
        }
        let health = await printer.selfTest()
        #expect(health.state == .offline)
        #expect(health.reason == DeviceHealth.Reason(.printerUnreachable))
        #expect(Self.failure(await printer.print(try Self.receiptJob(printer)))?.code == .printerUnreachable)
    }

    @Test("cupsd going away while the printer runs is reported as printer-unreachable")
    func serverGoesAway() async throws {
        try await PrinterOnBed.with { setup in
            _ = try await setup.recorder.waitForHealth(.seconds(10), "online") { $0 == .online }
            setup.bed.stopCupsd()
            let health = try await setup.recorder.waitForHealth(.seconds(10), "unreachable") { $0.reason == DeviceHealth.Reason(.printerUnreachable) }
            #expect(health.state == .offline)
            #expect(Self.failure(await setup.printer.print(try Self.receiptJob(setup.printer)))?.code == .printerUnreachable)
        }
    }

    @Test("a queue that does not exist is a configuration error")
    func missingQueue() async throws {
        try await PrinterOnBed.with { setup in
            let printer = CUPSPrinter(id: "typo", settings: CUPSPrinterSettings(queue: "kiosk-typo", server: setup.bed.server))
            do {
                try await printer.start(sink: EventRecorder().sink(id: "typo"))
                Issue.record("started on a queue that does not exist")
            } catch let error as DeviceError {
                #expect(error.code == .queueNotFound)
                #expect(error.action == .configuration)
            }
        }
    }

    @Test("a job that never finishes (printer frozen with SIGSTOP) times out, is cancelled, and never prints later")
    func jobTimeout() async throws {
        try await PrinterOnBed.with(settings: { CUPSPrinterSettings(queue: "kiosk", server: $0, jobTimeout: .seconds(3)) }) { setup in
            let frozen = try #require(setup.bed.printer)
            frozen.signal(SIGSTOP)
            let clock = ContinuousClock()
            let started = clock.now
            let error = try #require(Self.failure(await setup.printer.print(try Self.receiptJob(setup.printer))))
            let waited = clock.now - started
            #expect(error.code == .jobTimeout)
            #expect(waited >= .seconds(3) && waited < .seconds(8), "\(waited)")
            let match = try #require(error.detail.firstMatch(of: #/kiosk-(\d+)/#))
            let jobID = try #require(Int32(match.1))
            var state = try await setup.printer.jobStatus(jobID).state
            for _ in 0..<100 where state != .canceled {
                try await Task.sleep(for: .milliseconds(100))
                state = try await setup.printer.jobStatus(jobID).state
            }
            #expect(state == .canceled)
            #expect(try await setup.unfinishedJobs().isEmpty)
            frozen.signal(SIGCONT)
            try await Task.sleep(for: .seconds(2))
            #expect(setup.bed.printedFiles().allSatisfy { (try? Data(contentsOf: URL(fileURLWithPath: $0)).count) ?? 0 == 0 },
                    "nothing came out after the timeout: \(setup.bed.printedFiles())")
        }
    }

    @Test("cancelling the task that awaits a job cancels the job in cupsd")
    func taskCancellation() async throws {
        try await PrinterOnBed.with { setup in
            let frozen = try #require(setup.bed.printer)
            frozen.signal(SIGSTOP)
            let printer = setup.printer
            let job = try Self.receiptJob(printer)
            let waiting = Task { await printer.print(job) }
            try await waitUntil(.seconds(10), "the job to be queued") { setup.bed.cupsLog.contains("Queued on \"kiosk\"") }
            waiting.cancel()
            let error = try #require(Self.failure(await waiting.value))
            #expect(error.code == .jobCanceled)
            let match = try #require(error.detail.firstMatch(of: #/kiosk-(\d+)/#))
            let jobID = try #require(Int32(match.1))
            var state = try await printer.jobStatus(jobID).state
            for _ in 0..<100 where state != .canceled {
                try await Task.sleep(for: .milliseconds(100))
                state = try await printer.jobStatus(jobID).state
            }
            #expect(state == .canceled)
            frozen.signal(SIGCONT)
        }
    }

    @Test("cupsd dying during a job ends it with printer-unreachable when the timeout passes")
    func serverDiesDuringJob() async throws {
        try await PrinterOnBed.with(settings: { CUPSPrinterSettings(queue: "kiosk", server: $0, jobTimeout: .seconds(3)) }) { setup in
            let frozen = try #require(setup.bed.printer)
            frozen.signal(SIGSTOP)
            let printer = setup.printer
            let job = try Self.receiptJob(printer)
            let waiting = Task { await printer.print(job) }
            try await waitUntil(.seconds(10), "the job to be queued") { setup.bed.cupsLog.contains("Queued on \"kiosk\"") }
            setup.bed.stopCupsd()
            let error = try #require(Self.failure(await waiting.value))
            #expect(error.code == .printerUnreachable, "\(error)")
            frozen.signal(SIGCONT)
        }
    }

    @Test("the printer connects through cupsd's Unix socket as well")
    func unixSocket() async throws {
        try await PrinterOnBed.with { setup in
            let printer = CUPSPrinter(id: "socket", settings: CUPSPrinterSettings(queue: "kiosk", server: .socket(path: setup.bed.socketPath)))
            try await printer.start(sink: EventRecorder().sink(id: "socket"))
            #expect(await printer.print(try Self.receiptJob(printer)) == .completed)
            await printer.stop()
        }
    }
}

/// Faults a printer reports through its CUPS backend (`STATE: +reason`), acted out by the bed's
/// `kioskfault` backend on a cupsd of its own.
@Suite("printer faults reported through CUPS backends")
struct BackendFaultTests {
    /// A cupsd of its own with a raw queue whose `kioskfault` backend reports `reason`, and a
    /// started printer on it that looks at the queue every 200 ms.
    static func startFaultyQueue(_ queue: String, reporting reason: String) async throws -> (PrintBed, CUPSPrinter, EventRecorder) {
        let bed = try await PrintBed.start(printer: false)
        do {
            try await bed.addQueue(queue, deviceURI: "kioskfault:/\(reason)", model: "raw")
            let printer = CUPSPrinter(id: queue, settings: CUPSPrinterSettings(queue: queue, server: bed.server, jobTimeout: .seconds(20)),
                                      watchInterval: .milliseconds(200))
            let recorder = EventRecorder()
            try await printer.start(sink: recorder.sink(id: queue))
            return (bed, printer, recorder)
        } catch {
            bed.stop()
            throw error
        }
    }

    @Test("paper out stops the queue: the job is cancelled with media-empty and the health says replenish")
    func mediaEmpty() async throws {
        let (bed, printer, recorder) = try await Self.startFaultyQueue("faulty", reporting: "media-empty-error")
        defer { bed.stop() }
        let error = CUPSFaultTests.failure(await printer.print(try CUPSFaultTests.receiptJob(printer)))
        #expect(error?.code == .mediaEmpty, "\(String(describing: error)) \(bed.cupsLog.suffix(4000))")
        #expect(error?.action == .replenish)
        let health = try await recorder.waitForHealth(.seconds(10), "media-empty") { $0.reason == DeviceHealth.Reason(.mediaEmpty) }
        #expect(health == DeviceHealth(state: .userError, reason: .mediaEmpty, action: .replenish))
        #expect(try await bed.cups("lpstat", ["-W", "not-completed", "-o", "faulty"]).isEmpty, "the job was cancelled")
        // The next citizen's job is refused at once instead of waiting behind the empty tray.
        let clock = ContinuousClock()
        let started = clock.now
        #expect(CUPSFaultTests.failure(await printer.print(try CUPSFaultTests.receiptJob(printer)))?.code == .mediaEmpty)
        #expect(clock.now - started < .seconds(2))
        await printer.stop()
    }

    @Test("low paper is a warning: the job completes and the health says replenish")
    func mediaLow() async throws {
        let (bed, printer, recorder) = try await Self.startFaultyQueue("low", reporting: "media-low-warning")
        defer { bed.stop() }
        let outcome = await printer.print(try CUPSFaultTests.receiptJob(printer))
        #expect(outcome == .completed, "\(bed.cupsLog.suffix(4000))")
        let health = try await recorder.waitForHealth(.seconds(10), "media-low") { $0.reason == .mediaLow }
        #expect(health.isUsable)
        #expect(health.action == .replenish)
        await printer.stop()
    }
}
