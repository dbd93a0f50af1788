import Dispatch

/// A printer without hardware: every job takes ``jobTime`` and ends `.completed`, unless a fault
/// says otherwise. Jobs print one after another, like a CUPS queue; health is `busy` while any job is
/// printing.
///
/// Faults map to health and errors as a CUPS printer's `printer-state-reasons` would:
///
/// | fault | health | error of a job | action |
/// |---|---|---|---|
/// | ``Fault/paperOut`` | user-error `media-empty` | `media-empty` | replenish |
/// | ``Fault/jam`` | user-error `media-jam` | `media-jam` | maintenance |
/// | ``Fault/offline`` | offline `offline` | `offline` | reset |
/// | ``Fault/paperLow`` | online `media-low` (still prints) | none | replenish |
///
/// Its details (``currentDetails()``) show the paper (``media``: ready, low or empty with the
/// faults above), a black toner at ``tonerLevel`` percent, and the fault as the IPP
/// `printer-state-reasons` keyword a CUPS queue would report.
///
/// A reset does not refill paper or clear a jam; it only reconnects, which fails while offline.
public final class SimulatedPrinter: Printer, SimulatedDevice {
    public enum Fault: String, Sendable, Codable, CaseIterable {
        case paperOut = "paper-out"
        case jam
        case offline
        case paperLow = "paper-low"

        /// The printer's health while the fault lasts.
        public var health: DeviceHealth {
            switch self {
            case .paperOut: DeviceHealth(state: .userError, reason: .mediaEmpty, action: .replenish)
            case .jam: DeviceHealth(state: .userError, reason: .mediaJam, action: .maintenance)
            case .offline: .offline(.offline)
            case .paperLow: DeviceHealth(state: .online, reason: .mediaLow, action: .replenish)
            }
        }

        /// The error a job gets while the fault lasts; nil when the printer still prints.
        public var error: DeviceError? {
            switch self {
            case .paperOut: DeviceError(code: .mediaEmpty, action: .replenish, detail: "the printer is out of paper")
            case .jam: DeviceError(code: .mediaJam, action: .maintenance, detail: "paper is jammed in the printer")
            case .offline: DeviceError(code: .offline, action: .reset, detail: "the printer does not answer")
            case .paperLow: nil
            }
        }

        /// The `printer-state-reasons` keyword a CUPS queue reports for it.
        public var stateReason: String {
            switch self {
            case .paperOut: "media-empty-error"
            case .jam: "media-jam-error"
            case .offline: "offline-report"
            case .paperLow: "media-low-warning"
            }
        }
    }

    /// The toner's low mark, in percent, as printers commonly set it.
    public static let tonerLowMark = 10

    /// A job that came out of the printer, without its document.
    public struct CompletedJob: Sendable, Equatable {
        public var kind: PrintJob.Kind
        public var title: String
        public var byteCount: Int

        public init(kind: PrintJob.Kind, title: String, byteCount: Int) {
            self.kind = kind
            self.title = title
            self.byteCount = byteCount
        }
    }

    public let id: String
    public let model: String
    public var driver: String { "sim" }
    /// How long one job takes to print.
    public let jobTime: Duration
    /// The paper loaded, as a PWG media name.
    public let media: String

    private struct State: SimulatedState {
        var link: SimulatedLink
        var fault: Fault?
        var failNextJobMidway: Fault?
        var activeJobs = 0
        /// When the job printing last will be done; a new job starts then.
        var idleAt = DispatchTime.now()
        var completed: [CompletedJob] = []
        var tonerLevel: Int

        var health: DeviceHealth {
            if let fault, fault != .paperLow { return fault.health }
            let low = fault == .paperLow
            if activeJobs > 0 {
                return DeviceHealth(state: .busy, reason: low ? .mediaLow : nil, action: low ? .replenish : .none)
            }
            return low ? Fault.paperLow.health : .online
        }

        /// The printer is never unplugged; offline is the fault that keeps it from starting.
        var unreachable: DeviceError? { fault == .offline ? fault?.error : nil }
    }

    private let state: SimulatedStateLock<State>
    public var simulation: SimulatedDeviceCore { SimulatedDeviceCore(state) }
    private let timing: SimulatedTiming

    public init(id: String, model: String = "sim-printer", jobTime: Duration = .milliseconds(1500),
                media: String = "iso_a4_210x297mm", tonerLevel: Int = 80) {
        self.id = id
        self.model = model
        self.jobTime = jobTime
        self.media = media
        state = SimulatedStateLock(State(link: SimulatedLink(name: "simulated printer \(id)"), tonerLevel: min(100, max(0, tonerLevel))))
        timing = SimulatedTiming(label: id)
    }

    // MARK: Controls (the technician)

    /// Puts the printer in a fault; a job already printing fails when it ends, unless the fault is
    /// ``Fault/paperLow``. Replaces an earlier fault.
    public func setFault(_ fault: Fault) {
        state.withLock { state in
            state.fault = fault
            state.report()
        }
    }

    /// The next job stops half-way with `fault` (by default: paper runs out), and the printer keeps
    /// the fault until ``recover()``.
    public func failNextJobMidway(with fault: Fault = .paperOut) {
        state.withLock { $0.failNextJobMidway = fault }
    }

    /// Clears every fault, as a technician who refilled paper or cleared a jam does.
    public func recover() {
        state.withLock { state in
            state.fault = nil
            state.failNextJobMidway = nil
            state.report()
        }
    }

    /// Sets the toner's level in percent (0 to 100), as a technician's refill or a long day does.
    /// The simulated toner does not run down by itself, and an empty one still prints.
    public func setTonerLevel(_ level: Int) {
        state.withLock { $0.tonerLevel = min(100, max(0, level)) }
    }

    /// The toner's level in percent.
    public var tonerLevel: Int { state.withLock { $0.tonerLevel } }

    /// The current fault, if any.
    public var fault: Fault? { state.withLock { $0.fault } }

    /// Every job that came out, oldest first.
    public var completedJobs: [CompletedJob] { state.withLock { $0.completed } }

    // MARK: Printer

    public func print(_ job: PrintJob) async -> PrintOutcome {
        let plan = state.withLock { state -> Result<(end: DispatchTime, midway: Fault?), DeviceError> in
            guard state.link.sink != nil else {
                return .failure(DeviceError(code: .offline, action: .reset, detail: "simulated printer \(id) is not started"))
            }
            if let error = state.fault?.error { return .failure(error) }
            let midway = state.failNextJobMidway
            state.failNextJobMidway = nil
            let begin = max(DispatchTime.now(), state.idleAt)
            let end = begin + SimulatedTiming.interval(midway?.error == nil ? jobTime : jobTime / 2)
            state.idleAt = end
            state.activeJobs += 1
            state.report()
            return .success((end, midway))
        }
        switch plan {
        case .failure(let error):
            return .failed(error)
        case .success(let (end, midway)):
            return await timing.wait(until: end) { [self] in finish(job, midway: midway) }
        }
    }

    private func finish(_ job: PrintJob, midway: Fault?) -> PrintOutcome {
        state.withLock { state in
            state.activeJobs -= 1
            defer { state.report() }
            if let midway {
                state.fault = midway
                if let error = midway.error {
                    var stopped = error
                    stopped.detail = "the job stopped half-way: " + error.detail
                    return .failed(stopped)
                }
            }
            if let error = state.fault?.error { return .failed(error) }
            guard state.link.sink != nil else {
                return .failed(DeviceError(code: .offline, action: .reset, detail: "simulated printer \(id) was stopped during the job"))
            }
            state.completed.append(CompletedJob(kind: job.kind, title: job.title, byteCount: job.document.count))
            return .completed
        }
    }

    // MARK: Device (starting, stopping, health, self-test, reset and hang: SimulatedDevice)

    /// The paper, the toner and the fault, whether started or not (a stopped printer still has paper).
    public func currentDetails() -> DeviceDetails? {
        let (fault, toner) = state.withLock { ($0.fault, $0.tonerLevel) }
        let paper: DeviceDetails.Media.State = switch fault {
        case .paperOut: .empty
        case .paperLow: .low
        default: .ready
        }
        var reasons = fault.map { [$0.stateReason] } ?? []
        if toner == 0 {
            reasons.append("toner-empty-warning")
        } else if toner <= Self.tonerLowMark {
            reasons.append("toner-low-warning")
        }
        return DeviceDetails(
            stateReasons: reasons,
            media: DeviceDetails.Media(ready: fault == .paperOut ? [] : [media], state: paper),
            supplies: [DeviceDetails.Supply(name: "Black Toner", type: "toner", level: toner,
                                            low: toner <= Self.tonerLowMark, empty: toner == 0)])
    }
}
