import DeviceKit

/// Builds GA 467 readers for catalog entries with `driver: ga467`. Connection keys (kiosk.yaml):
/// `path` (required; the serial device, e.g. `/dev/serial/by-id/usb-…`) and `wlt-decoder` (optional;
/// an absolute path to a vendor's WLT photo decoder library). The baud rate is the catalog's
/// `serial.baud`, 115200 when absent. Opens nothing.
public struct GA467DriverFactory: DeviceDriverFactory {
    public init() {}

    public var driver: CatalogEntry.Driver { .ga467 }
    public var categories: [DeviceCategory] { [.identityReader] }
    public var catalogSections: CatalogSections { .usbOrSerial }

    public func makeDevice(for entry: CatalogEntry, id: String, connection: DeviceConnection) throws(DeviceError) -> any Device {
        try requireCategory(.identityReader, of: entry)
        let path = try connection.requiredAbsolutePath("path", device: id)
        let baud = try entry.settableSerialBaud(entry.serial?.baud ?? 115_200)
        let decoder = try connection.optionalAbsolutePath("wlt-decoder", device: id)
        return GA467Reader(id: id, model: entry.model,
                           settings: GA467Reader.Settings(path: path, baud: baud, wltDecoderPath: decoder))
    }
}

extension CatalogEntry.Driver {
    /// A GA 467 resident-ID reader with its SAM, over a serial line or USB.
    public static let ga467 = CatalogEntry.Driver("ga467")
}
