import CCUPS
import DeviceKit

extension CUPSSession {
    /// The queue's state, reasons and supplies (IPP Get-Printer-Attributes).
    func printerStatus() throws(DeviceError) -> PrinterStatus {
        let request = newRequest(IPP_OP_GET_PRINTER_ATTRIBUTES, attributes: [
            "printer-state", "printer-state-reasons", "printer-is-accepting-jobs", "printer-state-message",
            "media-ready", "marker-names", "marker-levels",
        ])
        let (status, response) = try send(request, resource: "/")
        defer { ippDelete(response) }
        guard let response, status.rawValue < IPP_STATUS_ERROR_BAD_REQUEST.rawValue else {
            if status == IPP_STATUS_ERROR_NOT_FOUND { throw PrinterErrors.queueNotFound(queue, server: server) }
            throw PrinterErrors.unreachable(server, detail: lastErrorText())
        }
        let state = IPPRead.integer(response, "printer-state").flatMap(PrinterStatus.State.init(rawValue:)) ?? .stopped
        let names = IPPRead.strings(response, "marker-names")
        let levels = IPPRead.integers(response, "marker-levels")
        return PrinterStatus(
            state: state,
            reasons: IPPRead.strings(response, "printer-state-reasons"),
            acceptingJobs: IPPRead.boolean(response, "printer-is-accepting-jobs") ?? false,
            message: IPPRead.strings(response, "printer-state-message").first ?? "",
            mediaReady: IPPRead.strings(response, "media-ready"),
            supplies: zip(names, levels).map { PrinterStatus.Supply(name: $0, level: Int($1)) })
    }
}
