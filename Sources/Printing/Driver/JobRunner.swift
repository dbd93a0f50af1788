import DeviceKit
import Foundation

/// Submits one job and follows it to its end state, on the printer's job thread.
///
/// - The queue is checked first: a job sent to a stopped or faulty printer would wait and come out
///   after the citizen left, so such a job is refused before it is created.
/// - The job is then polled (IPP Get-Job-Attributes) until it is completed, aborted or canceled.
/// - It is cancelled when the timeout passes, when the awaiting task is cancelled, and when the
///   printer shows a blocking fault (out of paper, stopped, offline) for longer than `faultGrace`.
struct JobRunner {
    let session: CUPSSession
    let settings: CUPSPrinterSettings
    let poll: Duration
    let cancelled: CancelFlag
    var faultGrace: Duration = .seconds(3)

    func run(document: Data, format: String, title: String) -> PrintOutcome {
        let queue = settings.queue
        let clock = ContinuousClock()
        let started = clock.now
        do {
            if let blocking = PrinterStateReasons.blockingError(try session.printerStatus(), queue: queue) {
                return .failed(blocking)
            }
            let jobID = try session.submit(document: document, format: format, title: title, options: settings.jobOptions)
            var lastState = JobStatus.State.pending
            var lastQueryError: DeviceError?
            var faultSince: ContinuousClock.Instant?
            var nextPrinterCheck = clock.now + .seconds(1)
            while true {
                do {
                    let job = try session.jobStatus(jobID)
                    lastQueryError = nil
                    lastState = job.state
                    if job.state.isFinal { return outcome(of: job) }
                } catch {
                    // cupsd may come back (a restart keeps its jobs): keep asking until the timeout.
                    lastQueryError = error
                }
                if cancelled.isSet {
                    session.cancel(jobID)
                    return .failed(DeviceError(code: .jobCanceled, action: .retry,
                                               detail: "job \(queue)-\(jobID) was cancelled by the kiosk"))
                }
                if clock.now - started >= settings.jobTimeout {
                    let cancelled = session.cancel(jobID)
                    if let lastQueryError, !cancelled {
                        var error = lastQueryError
                        error.detail += "; job \(queue)-\(jobID) could not be followed or cancelled"
                        return .failed(error)
                    }
                    return .failed(PrinterErrors.timeout(queue, job: jobID, after: Int(settings.jobTimeout.components.seconds),
                                                         state: lastState.description))
                }
                if clock.now >= nextPrinterCheck {
                    nextPrinterCheck = clock.now + .seconds(1)
                    let blocking = (try? session.printerStatus()).flatMap { PrinterStateReasons.blockingError($0, queue: queue) }
                    if let blocking {
                        let since = faultSince ?? clock.now
                        faultSince = since
                        if clock.now - since >= faultGrace {
                            session.cancel(jobID)
                            var error = blocking
                            error.detail += "; job \(queue)-\(jobID) was cancelled"
                            return .failed(error)
                        }
                    } else {
                        faultSince = nil
                    }
                }
                Thread.sleep(forTimeInterval: Double(poll.components.attoseconds) / 1e18 + Double(poll.components.seconds))
            }
        } catch {
            return .failed(error)
        }
    }

    private func outcome(of job: JobStatus) -> PrintOutcome {
        switch job.state {
        case .completed:
            return .completed
        case .canceled:
            return .failed(PrinterErrors.canceled(settings.queue, job: job.id, reasons: job.reasons))
        default:
            // An aborted job says why in its reasons when the printer ran out of something; a
            // reason the table does not know (`document-format-error`) leaves it `job-aborted`.
            if let cause = job.reasons.compactMap(PrinterStateReasons.meaning(of:)).first(where: { $0.state != .online }),
               let code = cause.code {
                return .failed(DeviceError(code: code, action: cause.action,
                                           detail: "job \(settings.queue)-\(job.id) was aborted (\(job.reasons.joined(separator: ", ")))"))
            }
            return .failed(PrinterErrors.aborted(settings.queue, job: job.id, reasons: job.reasons))
        }
    }
}
