import Foundation

/// What one device did since the kiosk started, for `kioskctl devices` and the metrics endpoint.
public struct DeviceCounters: Sendable, Codable, Equatable {
    /// Identity documents read (`.identityPresented`).
    public var cardsRead = 0
    /// Reads that failed (`.identityReadFailed`).
    public var readFailures = 0
    /// Codes from a code scanner (`.codeScanned`).
    public var codesScanned = 0
    /// Pages returned by `DocumentScanner.scan()` through the manager.
    public var pagesScanned = 0
    /// Print jobs that ended `.completed`, and their pages (``PrintJob/pages``).
    public var jobsPrinted = 0
    public var pagesPrinted = 0
    /// Print and scan requests that ended in a DeviceError.
    public var jobsFailed = 0
    /// Starts after the first one: after a failed start, an offline report or an operator's reset.
    public var restarts = 0

    public init() {}
}

/// One device as an operator sees it: what it is, how it is, what it did.
public struct DeviceSnapshot: Sendable, Codable, Equatable {
    public var id: String
    public var role: DeviceRole
    public var category: DeviceCategory
    public var driver: String
    public var model: String
    public var health: DeviceHealth
    /// When the health last changed; nil before the first report.
    public var healthSince: Date?
    public var counters: DeviceCounters
    /// Media, supplies and every condition the device reports; nil when it has none to tell
    /// (absent in the JSON then, as before these were added).
    public var details: DeviceDetails?

    public init(id: String, role: DeviceRole, category: DeviceCategory, driver: String, model: String,
                health: DeviceHealth, healthSince: Date?, counters: DeviceCounters, details: DeviceDetails? = nil) {
        self.id = id
        self.role = role
        self.category = category
        self.driver = driver
        self.model = model
        self.health = health
        self.healthSince = healthSince
        self.counters = counters
        self.details = details
    }
}
