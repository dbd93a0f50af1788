import DeviceKit

/// Builds GA 467 readers for catalog entries with `driver: ga467`. Connection keys (kiosk.yaml):
/// `path` (required; the serial device, e.g. `/dev/serial/by-id/usb-…`) and `wlt-decoder` (optional;
/// an absolute path to a vendor's WLT photo decoder library). The baud rate is the catalog's
/// `serial.baud`, 115200 when absent. Opens nothing.
public struct GA467DriverFactory: DeviceDriverFactory {
    public init() {}

    public var driver: CatalogEntry.Driver { .ga467 }

    public func makeDevice(for entry: CatalogEntry, id: String, connection: DeviceConnection) throws(DeviceError) -> any Device {
        guard entry.category == .identityReader else {
            throw DeviceError(code: .driverCategoryMismatch, action: .configuration,
                              detail: "model \(entry.model) is a \(entry.category.rawValue); the ga467 driver runs identity readers")
        }
        let path = try connection.requiredAbsolutePath("path", device: id)
        let baud = entry.serial?.baud ?? 115_200
        guard SerialPort.isSupported(baud: baud) else {
            throw DeviceError(code: .badCatalogEntry, action: .configuration,
                              detail: "model \(entry.model): serial.baud \(baud) is not a rate termios sets")
        }
        let decoder = try connection.optionalAbsolutePath("wlt-decoder", device: id)
        return GA467Reader(id: id, model: entry.model,
                           settings: GA467Reader.Settings(path: path, baud: baud, wltDecoderPath: decoder))
    }
}
