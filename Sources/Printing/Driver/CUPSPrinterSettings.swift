import DeviceKit

/// A CUPS printer's settings: the kiosk's `connection:` keys from kiosk.yaml, checked together
/// (docs/drivers/printing.md). Every problem is a `.configuration` error naming the key.
public struct CUPSPrinterSettings: Sendable, Equatable {
    /// How receipts reach the printer.
    public enum ReceiptFormat: String, Sendable, CaseIterable {
        /// Rendered by the kiosk as PDF; CUPS converts it for the printer.
        case pdf
        /// ESC/POS commands through a raw queue, for thermal receipt printers.
        case escpos
    }

    public static let keys: Set<String> = ["queue", "server", "paper", "job-timeout-seconds", "receipt-format", "pdf-pass-through"]

    public var queue: String
    public var server: CUPSServer
    public var paper: Paper
    public var jobTimeout: Duration
    public var receiptFormat: ReceiptFormat
    /// Send certificates as the exact bytes that were verified (a raw job), for printers that take
    /// PDF themselves; otherwise CUPS' filters rewrite the PDF for the printer.
    public var pdfPassThrough: Bool

    public init(queue: String, server: CUPSServer = .systemDefault, paper: Paper = .a4,
                jobTimeout: Duration = .seconds(120), receiptFormat: ReceiptFormat = .pdf, pdfPassThrough: Bool = false) {
        self.queue = queue
        self.server = server
        self.paper = paper
        self.jobTimeout = jobTimeout
        self.receiptFormat = receiptFormat
        self.pdfPassThrough = pdfPassThrough
    }

    /// Job template attributes sent with every job. A4 is asked for explicitly: a queue's default
    /// may be US Letter, and CUPS' filters would then scale the certificate to fit.
    public var jobOptions: [String: String] {
        switch paper {
        case .a4: ["media": "iso_a4_210x297mm"]
        case .roll80mm: [:]
        }
    }

    public init(connection: DeviceConnection, device id: String) throws(DeviceError) {
        func bad(_ key: String, _ problem: String) -> DeviceError {
            DeviceError(code: .badConnection, action: .configuration, detail: "device \(id): connection.\(key) \(problem)")
        }
        if let unknown = connection.settings.keys.sorted().first(where: { !Self.keys.contains($0) }) {
            throw bad(unknown, "is not a key of the cups driver (known: \(Self.keys.sorted().joined(separator: ", ")))")
        }
        let queue = try connection.required("queue", device: id)
        // CUPS queue names: up to 127 printable characters without space, slash, backslash,
        // quotes or '#'; kept to the safe subset here since the name goes into a URI.
        guard queue.utf8.count <= 127, queue.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            throw bad("queue", "must be a CUPS queue name of letters, digits, '-', '_' and '.', not \"\(queue)\"")
        }
        var server = CUPSServer.systemDefault
        if let text = connection["server"], !text.isEmpty {
            guard let parsed = CUPSServer(parsing: text) else {
                throw bad("server", "must be host:port or an absolute socket path, not \"\(text)\"")
            }
            server = parsed
        }
        var paper = Paper.a4
        if let text = connection["paper"] {
            guard let parsed = Paper(rawValue: text) else { throw bad("paper", "must be a4 or roll-80mm, not \"\(text)\"") }
            paper = parsed
        }
        var timeout = Duration.seconds(120)
        if let text = connection["job-timeout-seconds"] {
            guard let seconds = Int(text), (1...3600).contains(seconds) else {
                throw bad("job-timeout-seconds", "must be a whole number of seconds from 1 to 3600, not \"\(text)\"")
            }
            timeout = .seconds(seconds)
        }
        var format = ReceiptFormat.pdf
        if let text = connection["receipt-format"] {
            guard let parsed = ReceiptFormat(rawValue: text) else { throw bad("receipt-format", "must be pdf or escpos, not \"\(text)\"") }
            format = parsed
        }
        var passThrough = false
        if let text = connection["pdf-pass-through"] {
            switch text {
            case "yes", "true": passThrough = true
            case "no", "false": passThrough = false
            default: throw bad("pdf-pass-through", "must be yes or no, not \"\(text)\"")
            }
        }
        self.init(queue: queue, server: server, paper: paper, jobTimeout: timeout, receiptFormat: format, pdfPassThrough: passThrough)
    }
}
