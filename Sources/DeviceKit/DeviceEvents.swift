import Foundation

/// Something a device reports that carries data for a citizen's session (after XFS4IoT, data events
/// are kept apart from status events).
public enum DeviceDataEvent: Sendable, Equatable {
    /// An identity document was read; the reader keeps reporting until it is removed.
    case identityPresented(Identity)
    case identityRemoved
    /// A reader saw a document but could not read it; the citizen should try again.
    case identityReadFailed(DeviceError)
    /// The raw bytes a code scanner produced. They are outside data: sanitise before any screen or log.
    case codeScanned([UInt8])
    case pageScanned(ScannedPage)
}

/// A change in a device's health, separate from its data.
public struct DeviceStatusEvent: Sendable, Equatable {
    public var health: DeviceHealth
    public init(health: DeviceHealth) { self.health = health }
}

/// Everything DeviceKit reports upwards, stamped with the device it came from.
public struct DeviceEvent: Sendable, Equatable {
    public enum Body: Sendable, Equatable {
        case data(DeviceDataEvent)
        case status(DeviceStatusEvent)
    }

    public var deviceID: String
    public var role: DeviceRole
    public var body: Body
}

/// One page from a document scanner.
public struct ScannedPage: Sendable, Equatable {
    public var format: String
    public var data: Data
    public var widthPixels: Int
    public var heightPixels: Int
    public init(format: String, data: Data, widthPixels: Int, heightPixels: Int) {
        self.format = format
        self.data = data
        self.widthPixels = widthPixels
        self.heightPixels = heightPixels
    }
}

/// What a printer is asked to print.
public struct PrintJob: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable { case certificate, receipt, testPage = "test-page" }
    public var kind: Kind
    /// A title for the printer's job list; never personal data.
    public var title: String
    /// MIME type, e.g. `application/pdf` or `text/plain`.
    public var format: String
    public var document: Data
    /// How many sheets the document has, as its maker knows it; DeviceManager counts printed pages
    /// with it, since a printer driver cannot tell from an opaque document.
    public var pages: Int
    /// For a certificate: the SHA-256 (lower-case hex) the document must have. A driver checks it
    /// right before printing and prints nothing on a mismatch.
    public var expectedSHA256: String?
    /// For a receipt or test page: what it says, for a printer that lays out its own (a PDF with a
    /// QR code, ESC/POS). Others print `document`, the same receipt as plain text.
    public var receipt: ReceiptDocument?

    public init(kind: Kind, title: String, format: String, document: Data, pages: Int = 1,
                expectedSHA256: String? = nil, receipt: ReceiptDocument? = nil) {
        self.kind = kind
        self.title = title
        self.format = format
        self.document = document
        self.pages = pages
        self.expectedSHA256 = expectedSHA256
        self.receipt = receipt
    }
}

/// A receipt as the kiosk describes it, whatever the paper: bilingual lines, the tracking number,
/// the time and kiosk, and the link its QR code carries.
public struct ReceiptDocument: Sendable, Equatable {
    public var title: String
    public var lines: [String]
    public var trackingNumber: String
    public var time: Date
    public var kioskID: String
    /// What the QR code encodes: the result's public query link, or the tracking number when no
    /// link is configured.
    public var qrContent: String

    public init(title: String, lines: [String], trackingNumber: String, time: Date, kioskID: String, qrContent: String) {
        self.title = title
        self.lines = lines
        self.trackingNumber = trackingNumber
        self.time = time
        self.kioskID = kioskID
        self.qrContent = qrContent
    }
}

extension ReceiptDocument {
    /// The printer test page: the kiosk, the time, and a QR code an operator can scan to see that
    /// codes print readably.
    public static func testPage(kioskID: String, time: Date) -> ReceiptDocument {
        ReceiptDocument(title: "打印机测试页 Printer test page", lines: ["打印机工作正常。", "The printer works."],
                        trackingNumber: "-", time: time, kioskID: kioskID,
                        qrContent: "kiosk-test-page:\(kioskID):\(Int(time.timeIntervalSince1970))")
    }
}

/// How a print job ended. A citizen is told to take a document only after `.completed`.
public enum PrintOutcome: Sendable, Equatable {
    case completed
    case failed(DeviceError)
}
