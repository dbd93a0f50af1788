import CLibUSB
import Foundation

/// Finds the scanner a driver is configured for among the devices libusb sees: vendor and
/// product from the catalog, then the kiosk's choice of unit (bus/address or serial number).
struct USBDeviceLocator {
    let settings: USBScannerSettings

    /// Whether a device is the configured scanner. Runs on the driver's USB thread.
    func matches(_ device: OpaquePointer) -> Bool {
        var descriptor = libusb_device_descriptor()
        guard libusb_get_device_descriptor(device, &descriptor) == 0,
              descriptor.idVendor == settings.vendor, descriptor.idProduct == settings.product else { return false }
        switch settings.selection {
        case .any:
            return true
        case .busAddress(let bus, let address):
            return libusb_get_bus_number(device) == bus && libusb_get_device_address(device) == address
        case .serial(let serial):
            return Self.serialNumber(of: device) == serial
        }
    }

    /// The first matching device, referenced (the caller unrefs it), or nil.
    func find(in context: OpaquePointer) -> OpaquePointer? {
        var list: UnsafeMutablePointer<OpaquePointer?>?
        let count = libusb_get_device_list(context, &list)
        guard count >= 0, let list else { return nil }
        defer { libusb_free_device_list(list, 1) }
        for index in 0..<count {
            guard let device = list[index], matches(device) else { continue }
            return libusb_ref_device(device)
        }
        return nil
    }

    /// The serial number from sysfs (`/sys/bus/usb/devices/B-P.P/serial`), read without opening
    /// the device, so checking a unit never disturbs one another program holds.
    static func serialNumber(of device: OpaquePointer) -> String? {
        var ports = [UInt8](repeating: 0, count: 8)
        let count = libusb_get_port_numbers(device, &ports, Int32(ports.count))
        guard count > 0 else { return nil }
        let name = "\(libusb_get_bus_number(device))-" + ports.prefix(Int(count)).map(String.init).joined(separator: ".")
        guard let data = FileManager.default.contents(atPath: "/sys/bus/usb/devices/\(name)/serial"),
              let text = String(data: data.prefix(256), encoding: .utf8) else { return nil }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
