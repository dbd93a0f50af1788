import DeviceKit

/// The printer's `DeviceError`s in one place, so their codes stay stable (docs/drivers/printing.md).
/// Details name queues and servers, never a citizen or a document's content.
enum PrinterErrors {
    static func unreachable(_ server: CUPSServer, detail: String? = nil) -> DeviceError {
        DeviceError(code: .printerUnreachable, action: .reset,
                    detail: "CUPS at \(server) does not answer" + (detail.map { ": \($0)" } ?? ""))
    }

    static func queueNotFound(_ queue: String, server: CUPSServer) -> DeviceError {
        DeviceError(code: .queueNotFound, action: .configuration,
                    detail: "CUPS at \(server) has no queue \(queue)")
    }

    static func documentMismatch(expected: String, actual: String) -> DeviceError {
        DeviceError(code: .documentMismatch, action: .retry,
                    detail: "the certificate's SHA-256 is \(actual), not the expected \(expected); nothing was printed")
    }

    static func submitFailed(_ queue: String, _ detail: String) -> DeviceError {
        DeviceError(code: .jobRefused, action: .retry, detail: "queue \(queue) refused the job: \(detail)")
    }

    static func timeout(_ queue: String, job: Int32, after seconds: Int, state: String) -> DeviceError {
        DeviceError(code: .jobTimeout, action: .reset,
                    detail: "job \(queue)-\(job) did not finish within \(seconds) s (last state \(state)); it was cancelled")
    }

    static func aborted(_ queue: String, job: Int32, reasons: [String]) -> DeviceError {
        DeviceError(code: .jobAborted, action: .maintenance,
                    detail: "job \(queue)-\(job) was aborted (\(reasons.joined(separator: ", ")))")
    }

    static func canceled(_ queue: String, job: Int32, reasons: [String]) -> DeviceError {
        DeviceError(code: .jobCanceled, action: .retry,
                    detail: "job \(queue)-\(job) was cancelled (\(reasons.joined(separator: ", ")))")
    }

    static func renderFailed(_ detail: String) -> DeviceError {
        DeviceError(code: .renderFailed, action: .configuration, detail: detail)
    }
}
