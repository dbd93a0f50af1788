import DeviceKit

/// Builds ``USBHIDCodeScanner``s for catalog entries with `driver: usb-hid`. Opens nothing, so
/// `kioskd check-config` can call it.
///
/// From the catalog entry: `usb.vendor`, `usb.product`, optional `usb.interface`; quirks
/// `report-mode` (`keyboard` or `hid-pos`, required), optional `max-code-length` (bytes, 16…4096),
/// `scans-per-second` (0.1…1000) and `scan-burst` (1…1000).
///
/// From the kiosk's `connection:` (all optional): `bus` and `address` together, or `serial`, to
/// pick one of several identical units; `hotplug: poll` to poll instead of using hot-plug events.
public struct USBHIDDriverFactory: DeviceDriverFactory {
    public static let connectionKeys: Set<String> = ["bus", "address", "serial", "hotplug"]

    public init() {}

    public var driver: CatalogEntry.Driver { .usbHID }
    public var categories: [DeviceCategory] { [.codeScanner] }
    public var catalogSections: CatalogSections { .usb }

    public func makeDevice(for entry: CatalogEntry, id: String, connection: DeviceConnection) throws(DeviceError) -> any Device {
        USBHIDCodeScanner(id: id, model: entry.model, settings: try Self.settings(for: entry, id: id, connection: connection))
    }

    public static func settings(for entry: CatalogEntry, id: String, connection: DeviceConnection) throws(DeviceError) -> USBScannerSettings {
        guard entry.driver == .usbHID, entry.category == .codeScanner else {
            throw configuration("model \(entry.model) is not a usb-hid code scanner")
        }
        guard let usb = entry.usb else { throw configuration("\(entry.source): usb-hid needs usb.vendor and usb.product") }
        guard let modeText = entry.quirks["report-mode"]?.text, let mode = HIDReportMode(rawValue: modeText) else {
            let choices = HIDReportMode.allCases.map(\.rawValue).joined(separator: " or ")
            throw configuration("\(entry.source): quirks.report-mode must be \(choices)")
        }
        var settings = USBScannerSettings(vendor: usb.vendor, product: usb.product, interface: usb.interface, mode: mode)
        if let value = try number("max-code-length", in: entry, range: 16...4096) { settings.maximumCodeLength = Int(value) }
        if let value = try number("scans-per-second", in: entry, range: 0.1...1000) { settings.scansPerSecond = value }
        if let value = try number("scan-burst", in: entry, range: 1...1000) { settings.scanBurst = value }

        for key in connection.settings.keys.sorted() where !connectionKeys.contains(key) {
            throw configuration("device \(id): connection.\(key) is not a usb-hid setting (use: bus and address, serial, hotplug)")
        }
        let bus = connection["bus"], address = connection["address"], serial = connection["serial"]
        switch (bus, address, serial) {
        case (nil, nil, nil):
            settings.selection = .any
        case (let bus?, let address?, nil):
            guard let busNumber = UInt8(bus), busNumber > 0 else {
                throw configuration("device \(id): connection.bus must be a bus number 1…255, not \"\(bus)\"")
            }
            guard let addressNumber = UInt8(address), addressNumber > 0, addressNumber < 128 else {
                throw configuration("device \(id): connection.address must be a device address 1…127, not \"\(address)\"")
            }
            settings.selection = .busAddress(bus: busNumber, address: addressNumber)
        case (nil, nil, let serial?):
            guard !serial.isEmpty, serial.count <= 126, serial.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F }) else {
                throw configuration("device \(id): connection.serial must be the unit's printable USB serial number")
            }
            settings.selection = .serial(serial)
        case (_, _, .some):
            throw configuration("device \(id): give connection.serial or connection.bus and address, not both")
        default:
            throw configuration("device \(id): connection.bus and connection.address go together")
        }
        if let hotplug = connection["hotplug"] {
            guard let value = USBScannerSettings.HotplugMode(rawValue: hotplug) else {
                throw configuration("device \(id): connection.hotplug must be auto or poll, not \"\(hotplug)\"")
            }
            settings.hotplug = value
        }
        return settings
    }

    private static func number(_ key: String, in entry: CatalogEntry, range: ClosedRange<Double>) throws(DeviceError) -> Double? {
        guard let quirk = entry.quirks[key] else { return nil }
        guard let value = quirk.number, range.contains(value) else {
            throw configuration("\(entry.source): quirks.\(key) must be a number from \(range.lowerBound) to \(range.upperBound), not \(quirk)")
        }
        return value
    }

    private static func configuration(_ detail: String) -> DeviceError {
        DeviceError(code: .badUSBHIDSettings, action: .configuration, detail: detail)
    }
}

extension CatalogEntry.Driver {
    /// A HID POS or keyboard-wedge code scanner through libusb.
    public static let usbHID = CatalogEntry.Driver("usb-hid")
}
