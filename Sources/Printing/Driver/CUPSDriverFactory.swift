import DeviceKit

/// Builds CUPS printers (catalog driver `cups`) from the model's catalog entry and the kiosk's
/// connection settings. Checks everything and opens nothing, so check-config can call it.
public struct CUPSDriverFactory: DeviceDriverFactory {
    public init() {}

    public var driver: CatalogEntry.Driver { .cups }
    public var categories: [DeviceCategory] { [.printer] }

    public func makeDevice(for entry: CatalogEntry, id: String, connection: DeviceConnection) throws(DeviceError) -> any Device {
        guard entry.driver == .cups, entry.category == .printer else {
            throw DeviceError(code: .driverUnavailable, action: .configuration,
                              detail: "model \(entry.model) is a \(entry.category.rawValue) with driver \(entry.driver.rawValue), not a cups printer")
        }
        let settings = try CUPSPrinterSettings(connection: connection, device: id)
        return CUPSPrinter(id: id, model: entry.model, settings: settings)
    }
}

extension CatalogEntry.Driver {
    /// A CUPS print queue.
    public static let cups = CatalogEntry.Driver("cups")
}
