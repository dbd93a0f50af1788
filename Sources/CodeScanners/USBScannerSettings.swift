import DeviceKit

/// Everything the USB HID driver needs to find and read one scanner, checked by
/// ``USBHIDDriverFactory`` from the catalog entry and the kiosk's connection settings.
public struct USBScannerSettings: Sendable, Equatable {
    /// Which unit to take when several identical scanners are plugged in.
    public enum Selection: Sendable, Equatable {
        /// The first unit with the catalog's vendor and product ids.
        case any
        /// The unit at this bus number and device address (`lsusb`'s "Bus 001 Device 004").
        case busAddress(bus: UInt8, address: UInt8)
        /// The unit whose USB serial number (sysfs `serial`) is this.
        case serial(String)
    }

    /// How the driver hears of scanners arriving and leaving.
    public enum HotplugMode: String, Sendable, Equatable {
        /// libusb's hot-plug callbacks where libusb has them (`LIBUSB_CAP_HAS_HOTPLUG`), else polling.
        case automatic = "auto"
        /// Polling the device list, for platforms whose hot-plug events cannot be trusted.
        case poll
    }

    public var vendor: UInt16
    public var product: UInt16
    /// The interface to claim; nil takes the first HID interface.
    public var interface: Int?
    public var mode: HIDReportMode
    public var selection: Selection
    public var hotplug: HotplugMode
    /// Longest code accepted, in bytes.
    public var maximumCodeLength: Int
    /// Codes per second let through, and the burst allowed above that.
    public var scansPerSecond: Double
    public var scanBurst: Double
    /// How long `start` waits for the scanner to arrive before it fails with `disconnected`.
    public var arrivalWait: Duration
    /// How often the device list is polled where hot-plug events are missing.
    public var pollInterval: Duration

    public init(vendor: UInt16, product: UInt16, interface: Int? = nil, mode: HIDReportMode,
                selection: Selection = .any, hotplug: HotplugMode = .automatic, maximumCodeLength: Int = 512,
                scansPerSecond: Double = 10, scanBurst: Double = 20, arrivalWait: Duration = .seconds(10),
                pollInterval: Duration = .seconds(1)) {
        self.vendor = vendor
        self.product = product
        self.interface = interface
        self.mode = mode
        self.selection = selection
        self.hotplug = hotplug
        self.maximumCodeLength = maximumCodeLength
        self.scansPerSecond = scansPerSecond
        self.scanBurst = scanBurst
        self.arrivalWait = arrivalWait
        self.pollInterval = pollInterval
    }
}
