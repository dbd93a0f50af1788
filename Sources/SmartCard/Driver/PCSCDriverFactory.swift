import DeviceKit

/// Builds ``PCSCIdentityReader``s for catalog entries with driver `pcsc`.
///
/// Connection keys (kiosk.yaml `connection:`): `reader`, part of the reader's name as pcscd lists it
/// (e.g. `Virtual PCD 00 00`, `ACS ACR1252`). Without it the model's quirk `reader-name-contains`
/// applies; an empty text takes the first reader. Opens nothing.
public struct PCSCDriverFactory: DeviceDriverFactory {
    public init() {}

    public var driver: CatalogEntry.Driver { .pcsc }
    public var categories: [DeviceCategory] { [.identityReader] }

    public func makeDevice(for entry: CatalogEntry, id: String, connection: DeviceConnection) throws(DeviceError) -> any Device {
        guard entry.driver == .pcsc else {
            throw DeviceError(code: .driverUnavailable, action: .configuration,
                              detail: "model \(entry.model) uses driver \(entry.driver.rawValue), not pcsc")
        }
        guard entry.category == .identityReader else {
            throw DeviceError(code: .badCategory, action: .configuration,
                              detail: "\(entry.source): driver pcsc runs identity readers, not \(entry.category.rawValue)")
        }
        var readerName = ""
        if let quirk = entry.quirks["reader-name-contains"] {
            guard let text = quirk.text else {
                throw DeviceError(code: .badQuirk, action: .configuration,
                                  detail: "\(entry.source): quirks.reader-name-contains must be text")
            }
            readerName = text
        }
        if let configured = connection["reader"] {
            guard !configured.isEmpty, configured.count <= 128, !configured.contains(where: { $0.isNewline || $0 == "\0" }) else {
                throw DeviceError(code: .badConnection, action: .configuration,
                                  detail: "device \(id): connection.reader must be one line of at most 128 characters")
            }
            readerName = configured
        }
        for key in connection.settings.keys where key != "reader" {
            throw DeviceError(code: .badConnection, action: .configuration,
                              detail: "device \(id): connection.\(key) is not a pcsc setting (only reader)")
        }
        return PCSCIdentityReader(id: id, model: entry.model, readerNameContains: readerName)
    }
}

extension CatalogEntry.Driver {
    /// A PC/SC smart-card reader (passports, eID) through pcsclite.
    public static let pcsc = CatalogEntry.Driver("pcsc")
}
