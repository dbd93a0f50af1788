import DeviceKit
import Dispatch
import Foundation
import Synchronization

/// A printer behind a CUPS queue (catalog driver `cups`).
///
/// Every libcups call runs on one of two threads of the printer's own: one submits and follows
/// jobs (a job can take minutes, and jobs on one printer go one at a time anyway), the other watches
/// the queue's state and reasons and reports changes to the sink as status events, so no flow polls.
/// `print` returns `.completed` only when cupsd says the job reached `completed`; a job that does
/// not end within the configured timeout is cancelled, so it cannot come out after the citizen left.
public final class CUPSPrinter: Printer {
    public let id: String
    public let model: String
    public var driver: String { "cups" }
    public let settings: CUPSPrinterSettings
    /// How often the watcher asks cupsd for the queue's state.
    public let watchInterval: Duration
    /// How often a running job's state is asked for.
    public let jobPollInterval: Duration

    private struct State {
        var sink: DeviceEventSink?
        var health = DeviceHealth(state: .offline, reason: .notStarted)
        var status: PrinterStatus?
        /// Bumped by every start and stop, so a watcher of an earlier start ends.
        var generation = 0
    }

    private let state = Mutex(State())
    private let jobThread: DeviceThread
    private let watchThread: DeviceThread
    private let jobSession: ConfinedSession
    private let watchSession: ConfinedSession

    public init(id: String, model: String = "cups-ipp-everywhere", settings: CUPSPrinterSettings,
                watchInterval: Duration = .seconds(1), jobPollInterval: Duration = .milliseconds(100)) {
        self.id = id
        self.model = model
        self.settings = settings
        self.watchInterval = watchInterval
        self.jobPollInterval = jobPollInterval
        jobThread = DeviceThread(name: "cups-job-\(id)")
        watchThread = DeviceThread(name: "cups-watch-\(id)")
        jobSession = ConfinedSession(CUPSSession(server: settings.server, queue: settings.queue))
        watchSession = ConfinedSession(CUPSSession(server: settings.server, queue: settings.queue))
    }

    deinit {
        jobThread.enqueue { [jobSession] in jobSession.session.close() }
        watchThread.enqueue { [watchSession] in watchSession.session.close() }
        jobThread.stop()
        watchThread.stop()
    }

    // MARK: Device

    /// Asks cupsd for the queue once (throws when cupsd or the queue cannot be reached, so the
    /// manager retries) and starts watching it.
    public func start(sink: DeviceEventSink) async throws {
        let session = watchSession
        let first = await watchThread.run { Result { () throws(DeviceError) in try session.session.printerStatus() } }
        let status = try first.get()
        let generation = state.withLock { state in
            state.sink = sink
            state.generation += 1
            return state.generation
        }
        publish(PrinterStateReasons.health(of: status), status: status)
        scheduleWatch(generation: generation)
    }

    public func stop() async {
        state.withLock { state in
            state.sink = nil
            state.generation += 1
            state.health = DeviceHealth(state: .offline, reason: .stopped)
        }
        let session = watchSession
        await watchThread.run { session.session.close() }
    }

    public func currentHealth() async -> DeviceHealth { state.withLock { $0.health } }

    /// The queue's state as last seen by the watcher: reasons, media and supplies for operators.
    public func lastStatus() -> PrinterStatus? { state.withLock { $0.status } }

    /// Every reason, the media loaded and every supply with its level, as the watcher last saw the
    /// queue; nil before the first look.
    public func currentDetails() -> DeviceDetails? { lastStatus()?.details }

    public func selfTest() async -> DeviceHealth {
        let session = watchSession
        let result = await watchThread.run { Result { () throws(DeviceError) in try session.session.printerStatus() } }
        switch result {
        case .success(let status): return publish(PrinterStateReasons.health(of: status), status: status)
        case .failure(let error): return publish(Self.health(for: error), status: nil)
        }
    }

    /// Reconnects to cupsd.
    public func reset() async throws {
        let session = watchSession
        let jobs = jobSession
        await jobThread.run { jobs.session.close() }
        let result = await watchThread.run { () -> Result<PrinterStatus, DeviceError> in
            session.session.close()
            return Result { () throws(DeviceError) in try session.session.printerStatus() }
        }
        let status = try result.get()
        publish(PrinterStateReasons.health(of: status), status: status)
    }

    /// The destination's media, colour and duplex (cupsCopyDestInfo). Asked on the watch thread,
    /// so it does not wait behind a job.
    public func capabilities() async throws(DeviceError) -> PrinterCapabilities {
        let session = watchSession
        return try await watchThread.run { Result { () throws(DeviceError) in try session.session.capabilities() } }.get()
    }

    // MARK: Printing

    /// Prints `job`: a certificate only if its document has the expected SHA-256, a receipt laid out
    /// by this printer (PDF for its paper, or ESC/POS) when the job describes one.
    public func print(_ request: PrintJob) async -> PrintOutcome {
        var job = request
        do throws(DeviceError) {
            if let expected = job.expectedSHA256 {
                _ = try CertificateDocument(pdf: job.document, expectedSHA256: expected).verified()
            }
            if let receipt = job.receipt {
                job = try receiptJob(ReceiptContent(receipt), kind: job.kind)
            }
        } catch {
            return .failed(error)
        }
        return await submitAndFollow(job)
    }

    private func submitAndFollow(_ job: PrintJob) async -> PrintOutcome {
        let cancelled = CancelFlag()
        let settings = settings
        let session = jobSession
        let poll = jobPollInterval
        let format = settings.pdfPassThrough && job.format == "application/pdf" ? "application/vnd.cups-raw" : job.format
        let outcome = await withTaskCancellationHandler {
            await jobThread.run {
                JobRunner(session: session.session, settings: settings, poll: poll, cancelled: cancelled)
                    .run(document: job.document, format: format, title: job.title)
            }
        } onCancel: {
            cancelled.set()
        }
        if case .failed(let error) = outcome, error.code == .printerUnreachable {
            publish(Self.health(for: error), status: nil)
        }
        return outcome
    }

    /// Verifies a certificate against its expected SHA-256 and prints it; on a mismatch nothing is
    /// sent to the printer.
    public func printCertificate(_ certificate: CertificateDocument, title: String) async -> PrintOutcome {
        let job: PrintJob
        do throws(DeviceError) {
            job = try certificate.printJob(title: title)
        } catch {
            return .failed(error)
        }
        return await print(job)
    }

    /// A receipt as this printer takes it: PDF laid out for its paper, or ESC/POS for a raw queue.
    public func receiptJob(_ content: ReceiptContent, kind: PrintJob.Kind = .receipt) throws(DeviceError) -> PrintJob {
        switch settings.receiptFormat {
        case .pdf:
            return try ReceiptRenderer(paper: settings.paper).printJob(content, kind: kind)
        case .escpos:
            return PrintJob(kind: kind, title: kind == .testPage ? "test page" : "receipt", format: "application/vnd.cups-raw",
                            document: Data(try ESCPOSReceipt.encode(content)))
        }
    }

    /// The test page of `kioskctl printer test`: kiosk id, time and a QR code, as this printer takes it.
    public func testPageJob(kioskID: String, time: Date = Date()) throws(DeviceError) -> PrintJob {
        try receiptJob(ReceiptContent(.testPage(kioskID: kioskID, time: time)), kind: .testPage)
    }

    /// Submits a document and returns its job id without following it (for benchmarks and
    /// operators' tools; a kiosk flow uses `print`).
    public func submit(document: Data, format: String, title: String) async throws(DeviceError) -> Int32 {
        let session = jobSession
        let settings = settings
        return try await jobThread.run {
            Result { () throws(DeviceError) in try session.session.submit(document: document, format: format, title: title, options: settings.jobOptions) }
        }.get()
    }

    /// A job's state as cupsd reports it.
    public func jobStatus(_ jobID: Int32) async throws(DeviceError) -> JobStatus {
        let session = jobSession
        return try await jobThread.run { Result { () throws(DeviceError) in try session.session.jobStatus(jobID) } }.get()
    }

    // MARK: Watching

    private func scheduleWatch(generation: Int) {
        let delay = DispatchTimeInterval.nanoseconds(Int(watchInterval.components.seconds) * 1_000_000_000
            + Int(watchInterval.components.attoseconds / 1_000_000_000))
        DispatchQueue.global().asyncAfter(deadline: .now() + delay) { [weak self] in
            guard let self else { return }
            watchThread.enqueue { [weak self] in self?.watch(generation: generation) }
        }
    }

    /// One look at the queue; runs on the watch thread.
    private func watch(generation: Int) {
        guard state.withLock({ $0.generation == generation && $0.sink != nil }) else { return }
        do {
            let status = try watchSession.session.printerStatus()
            publish(PrinterStateReasons.health(of: status), status: status, generation: generation)
        } catch {
            publish(Self.health(for: error), status: nil, generation: generation)
        }
        scheduleWatch(generation: generation)
    }

    static func health(for error: DeviceError) -> DeviceHealth {
        DeviceHealth(state: .offline, reason: error.code, action: error.action)
    }

    /// Records the health and reports it when it changed.
    @discardableResult
    private func publish(_ health: DeviceHealth, status: PrinterStatus?, generation: Int? = nil) -> DeviceHealth {
        let sink = state.withLock { state -> DeviceEventSink? in
            if let generation, generation != state.generation { return nil }
            if let status { state.status = status }
            guard state.health != health else { return nil }
            state.health = health
            return state.sink
        }
        sink?.status(health)
        return health
    }
}

/// A session that only its printer's thread touches.
final class ConfinedSession: @unchecked Sendable {
    let session: CUPSSession
    init(_ session: CUPSSession) { self.session = session }
}

/// Set when the task awaiting a job is cancelled; the job thread reads it between polls.
final class CancelFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
