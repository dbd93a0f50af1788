import CCUPS
import DeviceKit
import Foundation

/// One connection to cupsd and the queue's destination, confined to one `DeviceThread` (an `http_t`
/// is not thread-safe). Reconnects by itself: libcups reopens a dropped connection on the next
/// request, and a failed first connection is tried again on the next call.
final class CUPSSession {
    let server: CUPSServer
    let queue: String
    private var http: OpaquePointer?
    private var dest: UnsafeMutablePointer<cups_dest_t>?
    private var info: OpaquePointer?

    init(server: CUPSServer, queue: String) {
        self.server = server
        self.queue = queue
    }

    deinit { close() }

    func close() {
        forgetDestination()
        if let http { httpClose(http) }
        http = nil
    }

    /// The `printer-uri` of the queue on the scheduler; cupsd reads only its path.
    var printerURI: String { "ipp://localhost/printers/\(queue)" }

    // MARK: Connection and destination

    func connection() throws(DeviceError) -> OpaquePointer {
        if let http { return http }
        // libcups keeps the server per thread; cupsCopyDestInfo asks the scheduler (not the
        // printer's device URI) only when the connection is to the thread's server, so set it.
        switch server {
        case .systemDefault: cupsSetServer(nil)
        case .tcp, .socket: cupsSetServer(server.description)
        }
        let (host, port): (String, Int32) = switch server {
        case .systemDefault: (String(cString: cupsServer()), ippPort())
        case .tcp(let host, let port): (host, Int32(port))
        case .socket(let path): (path, 0)
        }
        guard let opened = httpConnect2(host, port, nil, AF_UNSPEC, HTTP_ENCRYPTION_IF_REQUESTED, 1, 3000, nil) else {
            throw PrinterErrors.unreachable(server)
        }
        http = opened
        return opened
    }

    /// The queue as a destination with its capabilities; looked up once per connection.
    func destination() throws(DeviceError) -> (dest: UnsafeMutablePointer<cups_dest_t>, info: OpaquePointer) {
        let http = try connection()
        if let dest, let info { return (dest, info) }
        guard let found = cupsGetNamedDest(http, queue, nil) else {
            let status = cupsLastError()
            if status == IPP_STATUS_ERROR_NOT_FOUND || status.rawValue < IPP_STATUS_ERROR_BAD_REQUEST.rawValue {
                throw PrinterErrors.queueNotFound(queue, server: server)
            }
            dropConnection()
            throw PrinterErrors.unreachable(server, detail: lastErrorText())
        }
        guard let copied = cupsCopyDestInfo(http, found) else {
            cupsFreeDests(1, found)
            dropConnection()
            throw PrinterErrors.unreachable(server, detail: lastErrorText())
        }
        dest = found
        info = copied
        return (found, copied)
    }

    func forgetDestination() {
        if let info { cupsFreeDestInfo(info) }
        if let dest { cupsFreeDests(1, dest) }
        info = nil
        dest = nil
    }

    /// Forgets the connection after a failure, so the next call connects afresh.
    func dropConnection() { close() }

    func lastErrorText() -> String {
        guard let text = cupsLastErrorString() else { return "IPP status \(cupsLastError().rawValue)" }
        return String(cString: text)
    }

    // MARK: IPP requests

    /// Sends `request` (consumed) and returns the response, or throws when cupsd cannot be reached.
    /// An IPP error status is returned to the caller with the response, to sort out.
    func send(_ request: OpaquePointer, resource: String) throws(DeviceError) -> (status: ipp_status_t, response: OpaquePointer?) {
        let http = try connection()
        let response = cupsDoRequest(http, request, resource)
        let status = cupsLastError()
        if response == nil, status == IPP_STATUS_ERROR_SERVICE_UNAVAILABLE || status == IPP_STATUS_ERROR_INTERNAL {
            dropConnection()
            throw PrinterErrors.unreachable(server, detail: lastErrorText())
        }
        return (status, response)
    }

    func newRequest(_ operation: ipp_op_t, attributes: [String]) -> OpaquePointer {
        let request = ippNewRequest(operation)!
        ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", nil, printerURI)
        ippAddString(request, IPP_TAG_OPERATION, IPP_TAG_NAME, "requesting-user-name", nil, cupsUser())
        let cStrings = attributes.map { strdup($0) }
        defer { cStrings.forEach { free($0) } }
        let pointers = cStrings.map { UnsafePointer<CChar>($0) }
        pointers.withUnsafeBufferPointer { buffer in
            _ = ippAddStrings(request, IPP_TAG_OPERATION, IPP_TAG_KEYWORD, "requested-attributes",
                              Int32(buffer.count), nil, buffer.baseAddress)
        }
        return request
    }
}

/// Reading attributes out of an IPP response.
enum IPPRead {
    static func integer(_ response: OpaquePointer, _ name: String, _ tag: ipp_tag_t = IPP_TAG_ENUM) -> Int32? {
        guard let attribute = ippFindAttribute(response, name, tag) else { return nil }
        return ippGetInteger(attribute, 0)
    }

    static func integers(_ response: OpaquePointer, _ name: String) -> [Int32] {
        guard let attribute = ippFindAttribute(response, name, IPP_TAG_INTEGER) else { return [] }
        return (0..<ippGetCount(attribute)).map { ippGetInteger(attribute, $0) }
    }

    static func boolean(_ response: OpaquePointer, _ name: String) -> Bool? {
        guard let attribute = ippFindAttribute(response, name, IPP_TAG_BOOLEAN) else { return nil }
        return ippGetBoolean(attribute, 0) != 0
    }

    /// Keywords, names, texts: any string-valued attribute.
    static func strings(_ response: OpaquePointer, _ name: String) -> [String] {
        guard let attribute = ippFindAttribute(response, name, IPP_TAG_ZERO) else { return [] }
        return (0..<ippGetCount(attribute)).compactMap { index in
            ippGetString(attribute, index, nil).map { String(cString: $0) }
        }
    }
}
