import DeviceKit
import USBScanner

extension DeviceDrivers {
    /// Every driver family linked into kioskd. A driver module adds its factory here.
    public static let kiosk = DeviceDrivers([
        SimulatedDeviceFactory(),
        USBHIDDriverFactory(),
    ])
}
