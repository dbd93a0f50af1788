/// Where one configured device is found: the kiosk's half of its settings, from `connection:` in
/// `kiosk.yaml` (a serial path, a PC/SC reader name, a CUPS queue, a SANE device). The model's half
/// (USB ids, baud rate, quirks) is its catalog entry.
public struct DeviceConnection: Sendable, Equatable {
    public var settings: [String: String]

    public init(_ settings: [String: String] = [:]) { self.settings = settings }

    public subscript(key: String) -> String? { settings[key] }

    /// The setting, or a configuration error that names the key and the device.
    public func required(_ key: String, device id: String) throws(DeviceError) -> String {
        guard let value = settings[key], !value.isEmpty else {
            throw DeviceError(code: .missingConnection, action: .configuration,
                              detail: "device \(id) needs connection.\(key) in kiosk.yaml")
        }
        return value
    }

    /// The setting as an absolute path (a device node, a library), or a configuration error.
    public func requiredAbsolutePath(_ key: String, device id: String) throws(DeviceError) -> String {
        let path = try required(key, device: id)
        try Self.checkAbsolute(path, key: key, device: id)
        return path
    }

    /// The setting if present and not empty, checked to be an absolute path.
    public func optionalAbsolutePath(_ key: String, device id: String) throws(DeviceError) -> String? {
        guard let path = settings[key], !path.isEmpty else { return nil }
        try Self.checkAbsolute(path, key: key, device: id)
        return path
    }

    private static func checkAbsolute(_ path: String, key: String, device id: String) throws(DeviceError) {
        guard path.hasPrefix("/") else {
            throw DeviceError(code: .badConnection, action: .configuration,
                              detail: "device \(id): connection.\(key) must be an absolute path")
        }
    }
}

/// What a driver needs a model's catalog file to say beyond the common fields.
public enum CatalogSections: Sendable {
    case none
    /// `usb:` with vendor and product.
    case usb
    /// `serial:` with baud.
    case serial
    /// One of the two.
    case usbOrSerial

    /// The problem when a model of `driver` lacks them, or nil when it has what it needs.
    func problem(driver: CatalogEntry.Driver, hasUSB: Bool, hasSerial: Bool) -> String? {
        switch self {
        case .usb where !hasUSB: "\"\(driver)\" needs a \"usb\" section with vendor and product"
        case .serial where !hasSerial: "\"\(driver)\" needs a \"serial\" section with baud"
        case .usbOrSerial where !hasUSB && !hasSerial: "\"\(driver)\" needs a \"usb\" or a \"serial\" section"
        default: nil
        }
    }
}

/// Builds the devices of one driver family. Each driver module offers one; the daemon picks the
/// factory by the catalog entry's driver and category, so DeviceKit knows no driver but the
/// simulated ones.
public protocol DeviceDriverFactory: Sendable {
    var driver: CatalogEntry.Driver { get }
    /// The categories it runs; a model of another category is refused when the catalog is read.
    var categories: [DeviceCategory] { get }
    /// What a model's catalog file must say for this driver.
    var catalogSections: CatalogSections { get }
    /// Builds the driver object and checks its settings; opens nothing (check-config calls it).
    func makeDevice(for entry: CatalogEntry, id: String, connection: DeviceConnection) throws(DeviceError) -> any Device
}

extension DeviceDriverFactory {
    public var catalogSections: CatalogSections { .none }

    /// Refuses a model of another category than the one this driver runs, as a configuration error
    /// (`driver-category-mismatch`) that names the model, its category and the driver.
    public func requireCategory(_ category: DeviceCategory, of entry: CatalogEntry) throws(DeviceError) {
        guard entry.category == category else {
            let devices = category.rawValue.split(separator: "-").joined(separator: " ") + "s"
            throw DeviceError(code: .driverCategoryMismatch, action: .configuration,
                              detail: "model \(entry.model) is a \(entry.category.rawValue); the \(driver.rawValue) driver runs \(devices)")
        }
    }
}

/// The driver families a program links in, looked up by the catalog's driver name and category,
/// and the device families (categories and roles) they bring beyond DeviceKit's own.
public struct DeviceDrivers: Sendable {
    private let factories: [any DeviceDriverFactory]
    public let families: DeviceFamilies

    public init(_ factories: [any DeviceDriverFactory], families: [DeviceFamily] = []) {
        self.factories = factories
        self.families = DeviceFamilies.builtIn.adding(families)
    }

    /// The driver names, in the order the factories are listed.
    public var available: [CatalogEntry.Driver] {
        var seen = Set<CatalogEntry.Driver>()
        return factories.map(\.driver).filter { seen.insert($0).inserted }
    }

    /// The categories the factories named `driver` run together.
    public func categories(of driver: CatalogEntry.Driver) -> [DeviceCategory] {
        factories.filter { $0.driver == driver }.flatMap(\.categories)
    }

    func catalogSections(of driver: CatalogEntry.Driver) -> CatalogSections {
        factories.first { $0.driver == driver }?.catalogSections ?? .none
    }

    public func makeDevice(for entry: CatalogEntry, id: String, connection: DeviceConnection) throws(DeviceError) -> any Device {
        let named = factories.filter { $0.driver == entry.driver }
        guard let factory = named.first(where: { $0.categories.contains(entry.category) }) ?? named.first else {
            throw DeviceError(code: .driverUnavailable, action: .configuration,
                              detail: "model \(entry.model) uses driver \(entry.driver.rawValue), which this kioskd does not have")
        }
        return try factory.makeDevice(for: entry, id: id, connection: connection)
    }
}

extension SimulatedDeviceFactory: DeviceDriverFactory {
    public var driver: CatalogEntry.Driver { .sim }
    public var categories: [DeviceCategory] { DeviceFamilies.builtIn.categories }
    public func makeDevice(for entry: CatalogEntry, id: String, connection: DeviceConnection) throws(DeviceError) -> any Device {
        try Self.makeDevice(for: entry, id: id)
    }
}
