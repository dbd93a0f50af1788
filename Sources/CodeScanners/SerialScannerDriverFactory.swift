import DeviceKit

/// Builds serial code scanners for catalog entries with `driver: serial`. Connection keys
/// (kiosk.yaml): `path` (required, absolute) and `terminator` (optional: `CR` — the default —, `LF`,
/// `CRLF` or `TAB`, as the scanner is programmed). The baud rate is the catalog's `serial.baud`
/// (required), the maximum code length its quirk `max-code-length` (default 4096). Opens nothing.
public struct SerialScannerDriverFactory: DeviceDriverFactory {
    public init() {}

    public var driver: CatalogEntry.Driver { .serial }
    public var categories: [DeviceCategory] { [.codeScanner] }
    public var catalogSections: CatalogSections { .serial }

    public func makeDevice(for entry: CatalogEntry, id: String, connection: DeviceConnection) throws(DeviceError) -> any Device {
        try requireCategory(.codeScanner, of: entry)
        let path = try connection.requiredAbsolutePath("path", device: id)
        var terminator = SerialCodeFramer.Terminator.cr
        if let setting = connection["terminator"], !setting.isEmpty {
            guard let parsed = SerialCodeFramer.Terminator(setting: setting) else {
                throw DeviceError(code: .badConnection, action: .configuration,
                                  detail: "device \(id): connection.terminator must be CR, LF, CRLF or TAB")
            }
            terminator = parsed
        }
        guard let serial = entry.serial else {
            throw DeviceError(code: .badCatalogEntry, action: .configuration,
                              detail: "model \(entry.model): the serial driver needs serial.baud")
        }
        let baud = try entry.settableSerialBaud(serial.baud)
        var maximumLength = 4096
        if let quirk = entry.quirks["max-code-length"] {
            guard let number = quirk.number, number >= 1, number <= 1_000_000, number.rounded() == number else {
                throw DeviceError(code: .badCatalogEntry, action: .configuration,
                                  detail: "model \(entry.model): quirk max-code-length must be a whole number from 1 to 1000000")
            }
            maximumLength = Int(number)
        }
        return SerialCodeScanner(id: id, model: entry.model,
                                 settings: .init(path: path, baud: baud, terminator: terminator, maximumLength: maximumLength))
    }
}

extension CatalogEntry.Driver {
    /// A code scanner on a serial line.
    public static let serial = CatalogEntry.Driver("serial")
}
