import CCUPS
import DeviceKit
import Foundation

extension CUPSSession {
    /// Submits one document as one job through the destination API (create job, start document
    /// with its format, write, finish) and returns the job id. A job created but not finished is
    /// cancelled, so no half-sent job is left in the queue.
    func submit(document: Data, format: String, title: String, options: [String: String]) throws(DeviceError) -> Int32 {
        let http = try connection()
        let (dest, info) = try destination()
        var count: Int32 = 0
        var cOptions: UnsafeMutablePointer<cups_option_t>?
        for (name, value) in options.sorted(by: { $0.key < $1.key }) {
            count = cupsAddOption(name, value, count, &cOptions)
        }
        defer { cupsFreeOptions(count, cOptions) }

        var jobID: Int32 = 0
        let created = cupsCreateDestJob(http, dest, info, &jobID, title, count, cOptions)
        guard created.rawValue < IPP_STATUS_ERROR_BAD_REQUEST.rawValue, jobID > 0 else {
            throw submissionFailure(created, queue: queue, step: nil)
        }
        guard cupsStartDestDocument(http, dest, info, jobID, title, format, 0, nil, 1) == HTTP_STATUS_CONTINUE else {
            let failure = submissionFailure(cupsLastError(), queue: queue, step: "start document")
            abandon(jobID)
            throw failure
        }
        let written = document.withUnsafeBytes { bytes in
            cupsWriteRequestData(http, bytes.baseAddress, bytes.count)
        }
        guard written == HTTP_STATUS_CONTINUE else {
            let detail = lastErrorText()
            _ = cupsFinishDestDocument(http, dest, info)
            abandon(jobID)
            // The connection broke under the document: cupsd is gone, as in the other steps.
            guard written != HTTP_STATUS_ERROR else {
                dropConnection()
                throw PrinterErrors.unreachable(server, detail: "writing the document: \(detail)")
            }
            throw PrinterErrors.submitFailed(queue, "writing the document failed")
        }
        let finished = cupsFinishDestDocument(http, dest, info)
        guard finished.rawValue < IPP_STATUS_ERROR_BAD_REQUEST.rawValue else {
            let failure = submissionFailure(finished, queue: queue, step: "finish document")
            abandon(jobID)
            throw failure
        }
        return jobID
    }

    /// A submission that failed: cupsd gone (no answer, or it is shutting down) is the server
    /// unreachable, whatever step it happened at; anything else is the queue refusing the job.
    /// Drops the connection when cupsd is gone: the caller uses none of its handles after this.
    private func submissionFailure(_ status: ipp_status_t, queue: String, step: String?) -> DeviceError {
        let detail = lastErrorText()
        guard status != IPP_STATUS_ERROR_SERVICE_UNAVAILABLE && status != IPP_STATUS_ERROR_INTERNAL else {
            dropConnection()
            return PrinterErrors.unreachable(server, detail: detail)
        }
        return PrinterErrors.submitFailed(queue, step.map { "\($0): \(detail)" } ?? detail)
    }

    /// Cancels a job (cupsCancelDestJob); true when cupsd accepted the cancellation.
    @discardableResult
    func cancel(_ jobID: Int32) -> Bool {
        guard let http = try? connection(), let (dest, _) = try? destination() else { return false }
        return cupsCancelDestJob(http, dest, jobID).rawValue < IPP_STATUS_ERROR_BAD_REQUEST.rawValue
    }

    private func abandon(_ jobID: Int32) {
        if !cancel(jobID) { dropConnection() }
    }

    /// The job's state and reasons (IPP Get-Job-Attributes).
    func jobStatus(_ jobID: Int32) throws(DeviceError) -> JobStatus {
        let request = newRequest(IPP_OP_GET_JOB_ATTRIBUTES, attributes: ["job-state", "job-state-reasons"])
        ippAddInteger(request, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", jobID)
        let (status, response) = try send(request, resource: "/jobs/")
        defer { ippDelete(response) }
        guard let response, status.rawValue < IPP_STATUS_ERROR_BAD_REQUEST.rawValue,
              let raw = IPPRead.integer(response, "job-state"), let state = JobStatus.State(rawValue: raw) else {
            throw DeviceError(code: .jobLost, action: .retry,
                              detail: "cupsd has no state for job \(queue)-\(jobID): \(lastErrorText())")
        }
        return JobStatus(id: jobID, state: state, reasons: IPPRead.strings(response, "job-state-reasons"))
    }
}
