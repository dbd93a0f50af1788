import CCUPS
import DeviceKit

extension CUPSSession {
    /// The queue's state, reasons and supplies (IPP Get-Printer-Attributes).
    func printerStatus() throws(DeviceError) -> PrinterStatus {
        let request = newRequest(IPP_OP_GET_PRINTER_ATTRIBUTES, attributes: [
            "printer-state", "printer-state-reasons", "printer-is-accepting-jobs", "printer-state-message",
            "media-ready", "marker-names", "marker-levels", "marker-types", "marker-low-levels", "device-uri",
        ])
        let (status, response) = try send(request, resource: "/")
        defer { ippDelete(response) }
        guard let response, status.rawValue < IPP_STATUS_ERROR_BAD_REQUEST.rawValue else {
            if status == IPP_STATUS_ERROR_NOT_FOUND { throw PrinterErrors.queueNotFound(queue, server: server) }
            throw PrinterErrors.unreachable(server, detail: lastErrorText())
        }
        let state = IPPRead.integer(response, "printer-state").flatMap(PrinterStatus.State.init(rawValue:)) ?? .stopped
        let names = IPPRead.strings(response, "marker-names")
        let deviceURI = IPPRead.strings(response, "device-uri").first
        let levels = IPPRead.integers(response, "marker-levels")
        return PrinterStatus(
            state: state,
            reasons: IPPRead.strings(response, "printer-state-reasons"),
            acceptingJobs: IPPRead.boolean(response, "printer-is-accepting-jobs") ?? false,
            message: IPPRead.strings(response, "printer-state-message").first ?? "",
            mediaReady: IPPRead.strings(response, "media-ready"),
            supplies: Self.supplies(names: names, levels: levels, types: IPPRead.strings(response, "marker-types"),
                                    lowLevels: IPPRead.integers(response, "marker-low-levels")),
            deviceReachable: deviceURI.flatMap(Self.probe(deviceURI:)))
    }

    /// The markers, matched by position; a type or low mark the printer leaves out is nil.
    static func supplies(names: [String], levels: [Int32], types: [String], lowLevels: [Int32]) -> [PrinterStatus.Supply] {
        zip(names, levels).enumerated().map { index, marker in
            PrinterStatus.Supply(name: marker.0, level: Int(marker.1), type: index < types.count ? types[index] : nil,
                                 lowLevel: index < lowLevels.count ? Int(lowLevels[index]) : nil)
        }
    }

    /// Whether an IPP printer behind the queue accepts a connection; nil for other devices.
    ///
    /// cupsd learns that a network printer is gone only while a job is being sent, and even then
    /// CUPS 2.4's ipp backend leaves no state reason (only a message), so an idle kiosk would look
    /// healthy with its printer switched off. An IPP server takes a bare connection without
    /// printing anything; AppSocket (socket://) printers may not, so they are never probed.
    static func probe(deviceURI: String) -> Bool? {
        var scheme = [CChar](repeating: 0, count: 32)
        var user = [CChar](repeating: 0, count: 256)
        var host = [CChar](repeating: 0, count: 256)
        var resource = [CChar](repeating: 0, count: 1024)
        var port: Int32 = 0
        guard httpSeparateURI(HTTP_URI_CODING_ALL, deviceURI, &scheme, 32, &user, 256, &host, 256, &port, &resource, 1024).rawValue >= 0 else {
            return nil
        }
        let schemeName = String(decoding: scheme.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard ["ipp", "ipps", "http", "https"].contains(schemeName), port > 0 else { return nil }
        guard let addresses = httpAddrGetList(host, AF_UNSPEC, String(port)) else { return false }
        defer { httpAddrFreeList(addresses) }
        var socket: Int32 = -1
        guard httpAddrConnect2(addresses, &socket, 1000, nil) != nil else { return false }
        httpAddrClose(nil, socket)
        return true
    }
}
