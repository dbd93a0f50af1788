import DeviceKit
import Foundation
import Testing

@Suite("Simulated printer")
struct SimulatedPrinterTests {
    let recorder = EventRecorder()

    func startedPrinter(jobTime: Duration = .milliseconds(30)) async throws -> SimulatedPrinter {
        let printer = SimulatedPrinter(id: "printer", jobTime: jobTime)
        try await printer.start(sink: recorder.sink(for: printer, role: .certificatePrinter))
        return printer
    }

    let certificate = PrintJob(kind: .certificate, title: "营业执照", format: "application/pdf", document: samplePDF())

    @Test("a job takes the job time, completes and is listed; health goes busy and back online")
    func completes() async throws {
        let printer = try await startedPrinter(jobTime: .milliseconds(40))
        let began = ContinuousClock.now
        let outcome = await printer.print(certificate)
        #expect(outcome == .completed)
        #expect(ContinuousClock.now - began >= .milliseconds(40))
        #expect(printer.completedJobs == [.init(kind: .certificate, title: "营业执照", byteCount: samplePDF().count)])
        #expect(recorder.health() == [.online, DeviceHealth(state: .busy), .online])
    }

    @Test("jobs print one after another")
    func jobsQueue() async throws {
        let printer = try await startedPrinter(jobTime: .milliseconds(30))
        let began = ContinuousClock.now
        async let first = printer.print(certificate)
        async let second = printer.print(PrintJob(kind: .receipt, title: "回执", format: "text/plain", document: Data("ok".utf8)))
        let outcomes = await [first, second]
        #expect(outcomes == [.completed, .completed])
        #expect(ContinuousClock.now - began >= .milliseconds(60))
        #expect(printer.completedJobs.count == 2)
    }

    @Test("each fault sets its health and action, and a job fails at once with its error", arguments: [
        (SimulatedPrinter.Fault.paperOut, DeviceHealth(state: .userError, reason: .mediaEmpty, action: .replenish), "media-empty", RecommendedAction.replenish),
        (.jam, DeviceHealth(state: .userError, reason: .mediaJam, action: .maintenance), "media-jam", .maintenance),
        (.offline, DeviceHealth(state: .offline, reason: .offline, action: .reset), "offline", .reset),
    ])
    func blockingFault(fault: SimulatedPrinter.Fault, health: DeviceHealth, code: String, action: RecommendedAction) async throws {
        let printer = try await startedPrinter(jobTime: .seconds(10))
        printer.setFault(fault)
        #expect(recorder.health().last == health)
        #expect(await printer.currentHealth() == health)
        #expect(!health.isUsable)

        let began = ContinuousClock.now
        let outcome = await printer.print(certificate)
        #expect(ContinuousClock.now - began < .seconds(1), "a faulted printer refuses at once")
        guard case .failed(let error) = outcome else {
            Issue.record("expected a failure, got \(outcome)")
            return
        }
        #expect(error.code.rawValue == code)
        #expect(error.action == action)
        #expect(printer.completedJobs.isEmpty)

        printer.recover()
        #expect(recorder.health().last == .online)
        #expect(printer.fault == nil)
    }

    @Test("paper low is still usable and prints, and says to replenish")
    func paperLow() async throws {
        let printer = try await startedPrinter()
        printer.setFault(.paperLow)
        let low = DeviceHealth(state: .online, reason: .mediaLow, action: .replenish)
        #expect(recorder.health().last == low)
        #expect(low.isUsable)
        #expect(await printer.print(certificate) == .completed)
        #expect(recorder.health().suffix(2) == [DeviceHealth(state: .busy, reason: .mediaLow, action: .replenish), low])
        printer.recover()
        #expect(recorder.health().last == .online)
    }

    @Test("paper running out half-way fails the job with media-empty and leaves the printer needing paper")
    func midwayFailure() async throws {
        let printer = try await startedPrinter(jobTime: .milliseconds(600))
        printer.failNextJobMidway()
        let began = ContinuousClock.now
        let outcome = await printer.print(certificate)
        let took = ContinuousClock.now - began
        guard case .failed(let error) = outcome else {
            Issue.record("expected a failure, got \(outcome)")
            return
        }
        #expect(error.code == .mediaEmpty)
        #expect(error.action == .replenish)
        // It does not fail at once: it ran half the job's time first. (No upper bound: a loaded
        // machine may wake it late, and speed is for benchmarks.)
        #expect(took >= .milliseconds(300), "it stops half-way, after \(took)")
        #expect(error.detail.hasPrefix("the job stopped half-way"))
        #expect(recorder.health().last == DeviceHealth(state: .userError, reason: .mediaEmpty, action: .replenish))
        #expect(printer.completedJobs.isEmpty)

        // Only that job: after refilling, the next one prints.
        printer.recover()
        #expect(await printer.print(certificate) == .completed)
    }

    @Test("a jam during a job fails that job")
    func jamDuringJob() async throws {
        // Long enough that a busy machine still sees the job running before it could finish.
        let printer = try await startedPrinter(jobTime: .seconds(1))
        async let outcome = printer.print(certificate)
        #expect(await recorder.wait { $0.health().last == DeviceHealth(state: .busy) })
        printer.setFault(.jam)
        guard case .failed(let error) = await outcome else {
            Issue.record("expected the jam to fail the job")
            return
        }
        #expect(error.code == .mediaJam)
    }

    @Test("an offline printer cannot be started or reset until it recovers")
    func offlineStart() async throws {
        let printer = SimulatedPrinter(id: "printer", jobTime: .milliseconds(10))
        printer.setFault(.offline)
        let error = await #expect(throws: DeviceError.self) {
            try await printer.start(sink: recorder.sink(for: printer, role: .receiptPrinter))
        }
        #expect(error?.code == .offline)
        await #expect(throws: DeviceError.self) { try await printer.reset() }
        printer.recover()
        try await printer.start(sink: recorder.sink(for: printer, role: .receiptPrinter))
        #expect(recorder.health() == [.online])
    }

    @Test("a printer that is not started refuses jobs")
    func notStarted() async {
        let printer = SimulatedPrinter(id: "printer", jobTime: .milliseconds(10))
        guard case .failed(let error) = await printer.print(certificate) else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.action == .reset)
    }
}
