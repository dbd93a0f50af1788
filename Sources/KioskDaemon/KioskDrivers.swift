import DeviceKit
import DocumentScan
import Printing
import ResidentID
import SmartCard
import USBScanner

extension DeviceDrivers {
    /// Every driver family linked into kioskd. A driver module adds its factory here.
    public static let kiosk = DeviceDrivers([
        SimulatedDeviceFactory(),
        USBHIDDriverFactory(),
        PCSCDriverFactory(),
        GA467DriverFactory(),
        SerialScannerDriverFactory(),
        CUPSDriverFactory(),
        SANEDriverFactory(),
    ])
}
