import WireFormat

/// A kind of device a kiosk drives. Flows see devices only through categories, never through a
/// driver (after CEN XFS4IoT's service classes and UnifiedPOS's device categories).
///
/// Open: DeviceKit names the four it has protocols for, and a device family's own module adds its
/// category with `extension DeviceCategory { public static let speaker = DeviceCategory("speaker") }`
/// and a ``DeviceFamily`` in the program's driver list. The raw value is what the catalog and the
/// wire say.
public struct DeviceCategory: OpenWord {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public static let identityReader = DeviceCategory("identity-reader")
    public static let codeScanner = DeviceCategory("code-scanner")
    public static let documentScanner = DeviceCategory("document-scanner")
    public static let printer = DeviceCategory("printer")
}

/// What a device is used for at this kiosk. A flow names the roles it needs, so the home screen can
/// say which services are unavailable when a device is unhealthy. Two printers share a category but
/// not a role: certificates go on A4 stock, receipts on a roll. Open like ``DeviceCategory``: a
/// family's ``DeviceFamily`` lists the roles its category can take.
public struct DeviceRole: OpenWord {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public static let identityReader = DeviceRole("identity-reader")
    public static let codeScanner = DeviceRole("code-scanner")
    public static let documentScanner = DeviceRole("document-scanner")
    public static let certificatePrinter = DeviceRole("certificate-printer")
    public static let receiptPrinter = DeviceRole("receipt-printer")
}

/// A category and the roles a kiosk can give its devices: what a device family declares, once, for
/// the configuration, the catalog, the flows and DeviceManager to read against.
public struct DeviceFamily: Sendable {
    public let category: DeviceCategory
    public let roles: [DeviceRole]

    public init(_ category: DeviceCategory, roles: [DeviceRole]) {
        self.category = category
        self.roles = roles
    }

    public static let identityReaders = DeviceFamily(.identityReader, roles: [.identityReader])
    public static let codeScanners = DeviceFamily(.codeScanner, roles: [.codeScanner])
    public static let documentScanners = DeviceFamily(.documentScanner, roles: [.documentScanner])
    public static let printers = DeviceFamily(.printer, roles: [.certificatePrinter, .receiptPrinter])
}

/// The device families a program knows, in the order they are listed to people.
public struct DeviceFamilies: Sendable {
    public let families: [DeviceFamily]

    public init(_ families: [DeviceFamily]) { self.families = families }

    /// The four DeviceKit defines protocols for.
    public static let builtIn = DeviceFamilies([.identityReaders, .codeScanners, .documentScanners, .printers])

    public var categories: [DeviceCategory] { families.map(\.category) }
    public var roles: [DeviceRole] { families.flatMap(\.roles) }

    /// The category whose devices can take `role`, or nil for a role no family has.
    public func category(of role: DeviceRole) -> DeviceCategory? {
        families.first { $0.roles.contains(role) }?.category
    }

    /// These families and `others`, without repeating a category.
    public func adding(_ others: [DeviceFamily]) -> DeviceFamilies {
        DeviceFamilies(families + others.filter { family in !categories.contains(family.category) })
    }
}
