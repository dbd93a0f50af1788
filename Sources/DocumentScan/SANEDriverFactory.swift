import DeviceKit

/// Builds ``SANEDocumentScanner``s for catalog entries whose driver is `sane`.
///
/// Settings come from the model's catalog quirks, overridden by the kiosk's connection settings
/// (docs/drivers/sane.md): `device` (required), `resolution-dpi`, `mode`, `source`, `max-pages`, and
/// `option.NAME` for a backend's own options. Checks them all and opens nothing.
public struct SANEDriverFactory: DeviceDriverFactory {
    public var driver: CatalogEntry.Driver { .sane }
    public var categories: [DeviceCategory] { [.documentScanner] }
    private let runtime: SANERuntime

    public init(runtime: SANERuntime = .shared) {
        self.runtime = runtime
    }

    public func makeDevice(for entry: CatalogEntry, id: String, connection: DeviceConnection) throws(DeviceError) -> any Device {
        try makeScanner(for: entry, id: id, connection: connection)
    }

    public func makeScanner(for entry: CatalogEntry, id: String, connection: DeviceConnection) throws(DeviceError) -> SANEDocumentScanner {
        guard entry.driver == .sane, entry.category == .documentScanner else {
            throw DeviceError(code: .driverUnavailable, action: .configuration,
                              detail: "model \(entry.model) is a \(entry.category.rawValue) for driver \(entry.driver.rawValue), not a sane document scanner")
        }
        let device = try connection.required("device", device: id)
        guard device.count <= 256, device.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7f }) else {
            throw Self.bad("device", of: id, "must be a SANE device name such as test:0")
        }
        // A connection setting wins over the model's quirk of the same name.
        func setting(_ key: String) -> String? {
            connection[key] ?? entry.quirks[key].map(\.description)
        }
        var settings = ScanSettings()
        if let text = setting("resolution-dpi") {
            guard let dpi = Int(text), ScanSettings.resolutionRange.contains(dpi) else {
                throw Self.bad("resolution-dpi", of: id, "must be a whole number of dots per inch from 25 to 1200, not \(text)")
            }
            settings.resolutionDPI = dpi
        }
        if let text = setting("mode") {
            guard let mode = ScanSettings.mode(named: text) else {
                throw Self.bad("mode", of: id, "must be Color, Gray or Lineart, not \(text)")
            }
            settings.mode = mode
        }
        if let text = setting("source") {
            guard let source = ScanSettings.source(named: text) else {
                throw Self.bad("source", of: id, "must be Flatbed or ADF, not \(text)")
            }
            settings.source = source
        }
        if let text = setting("max-pages") {
            guard let pages = Int(text), ScanSettings.pageLimit.contains(pages) else {
                throw Self.bad("max-pages", of: id, "must be a whole number from 1 to 200, not \(text)")
            }
            settings.maxPages = pages
        }
        let prefix = "option."
        var options: [String: String] = [:]
        for (key, quirk) in entry.quirks where key.hasPrefix(prefix) { options[String(key.dropFirst(prefix.count))] = quirk.description }
        for (key, value) in connection.settings where key.hasPrefix(prefix) { options[String(key.dropFirst(prefix.count))] = value }
        for name in options.keys where !Self.isOptionName(name) {
            throw Self.bad(prefix + name, of: id, "is not a SANE option name (lower-case letters, digits and dashes)")
        }
        settings.backendOptions = options
        return SANEDocumentScanner(id: id, model: entry.model, deviceName: device, settings: settings, runtime: runtime)
    }

    /// SANE option names are lower-case ASCII letters, digits and dashes (SANE standard 4.2.9.1).
    static func isOptionName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && name.utf8.allSatisfy {
            (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "-")
        }
    }

    private static func bad(_ key: String, of id: String, _ problem: String) -> DeviceError {
        DeviceError(code: .badConnection, action: .configuration, detail: "device \(id): connection.\(key) \(problem)")
    }
}

extension CatalogEntry.Driver {
    /// A SANE scanner.
    public static let sane = CatalogEntry.Driver("sane")
}
