import DeviceKit

extension DeviceCategory {
    /// A touch panel over the kiosk's screen. kioskctl console reads it, not kioskd: it is in the
    /// catalog for its USB ids (the udev rules) and for the record of what a kiosk can have.
    public static let touchPanel = DeviceCategory("touch-panel")
}

extension DeviceFamily {
    /// No role: a touch panel is never one of kiosk.yaml's devices.
    public static let touchPanels = DeviceFamily(.touchPanel, roles: [])
}

extension CatalogEntry.Driver {
    /// Read by `kioskctl console` with libevdev.
    public static let console = CatalogEntry.Driver("console")
}

/// The catalog's `console` driver: checks a touch panel's entry (it needs its USB ids) and refuses
/// to make a kioskd device of it, with what to do instead.
public struct ConsoleTouchPanelFactory: DeviceDriverFactory {
    public var driver: CatalogEntry.Driver { .console }
    public var categories: [DeviceCategory] { [.touchPanel] }
    public var catalogSections: CatalogSections { .usb }

    public init() {}

    public func makeDevice(for entry: CatalogEntry, id: String, connection: DeviceConnection) throws(DeviceError) -> any Device {
        throw DeviceError(code: .driverUnavailable, action: .configuration,
                          detail: "\(id): model \(entry.model) is a touch panel, which kioskctl console reads (--touch); leave it out of kiosk.yaml's devices")
    }
}
