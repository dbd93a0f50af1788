import DeviceKit

/// The printer's `DeviceError`s in one place, so their codes stay stable (docs/drivers/printing.md).
/// Details name queues and servers, never a citizen or a document's content.
enum PrinterErrors {
    static func unreachable(_ server: CUPSServer, detail: String? = nil) -> DeviceError {
        DeviceError(code: "printer-unreachable", action: .reset,
                    detail: "CUPS at \(server) does not answer" + (detail.map { ": \($0)" } ?? ""))
    }

    static func queueNotFound(_ queue: String, server: CUPSServer) -> DeviceError {
        DeviceError(code: "queue-not-found", action: .configuration,
                    detail: "CUPS at \(server) has no queue \(queue)")
    }

    static func documentMismatch(expected: String, actual: String) -> DeviceError {
        DeviceError(code: "document-mismatch", action: .retry,
                    detail: "the certificate's SHA-256 is \(actual), not the expected \(expected); nothing was printed")
    }

    static func submitFailed(_ queue: String, _ detail: String) -> DeviceError {
        DeviceError(code: "job-refused", action: .retry, detail: "queue \(queue) refused the job: \(detail)")
    }

    static func timeout(_ queue: String, job: Int32, after seconds: Int, state: String) -> DeviceError {
        DeviceError(code: "job-timeout", action: .reset,
                    detail: "job \(queue)-\(job) did not finish within \(seconds) s (last state \(state)); it was cancelled")
    }

    static func aborted(_ queue: String, job: Int32, reasons: [String]) -> DeviceError {
        DeviceError(code: "job-aborted", action: .maintenance,
                    detail: "job \(queue)-\(job) was aborted (\(reasons.joined(separator: ", ")))")
    }

    static func canceled(_ queue: String, job: Int32, reasons: [String]) -> DeviceError {
        DeviceError(code: "job-canceled", action: .retry,
                    detail: "job \(queue)-\(job) was cancelled (\(reasons.joined(separator: ", ")))")
    }

    static func renderFailed(_ detail: String) -> DeviceError {
        DeviceError(code: "render-failed", action: .configuration, detail: detail)
    }
}
