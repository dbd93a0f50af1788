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

    public init(deviceID: String, role: DeviceRole, body: Body) {
        self.deviceID = deviceID
        self.role = role
        self.body = body
    }
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

    public init(kind: Kind, title: String, format: String, document: Data, pages: Int = 1) {
        self.kind = kind
        self.title = title
        self.format = format
        self.document = document
        self.pages = pages
    }
}

/// How a print job ended. A citizen is told to take a document only after `.completed`.
public enum PrintOutcome: Sendable, Equatable {
    case completed
    case failed(DeviceError)
}
