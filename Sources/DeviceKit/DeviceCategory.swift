/// The four kinds of device a kiosk drives. Flows see devices only through these categories,
/// never through a driver (after CEN XFS4IoT's service classes and UnifiedPOS's device categories).
public enum DeviceCategory: String, Sendable, Codable, CaseIterable {
    case identityReader = "identity-reader"
    case codeScanner = "code-scanner"
    case documentScanner = "document-scanner"
    case printer
}

/// What a device is used for at this kiosk. A flow names the roles it needs, so the home screen can
/// say which services are unavailable when a device is unhealthy. Two printers share a category but
/// not a role: certificates go on A4 stock, receipts on a roll.
public enum DeviceRole: String, Sendable, Codable, CaseIterable {
    case identityReader = "identity-reader"
    case codeScanner = "code-scanner"
    case documentScanner = "document-scanner"
    case certificatePrinter = "certificate-printer"
    case receiptPrinter = "receipt-printer"

    public var category: DeviceCategory {
        switch self {
        case .identityReader: .identityReader
        case .codeScanner: .codeScanner
        case .documentScanner: .documentScanner
        case .certificatePrinter, .receiptPrinter: .printer
        }
    }
}
