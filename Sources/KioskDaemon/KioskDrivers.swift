import CodeScanners
import DeviceKit
import DocumentScan
import Printing
import ResidentID
import SmartCard
import TouchInput

extension DeviceDrivers {
    /// Every driver family linked into kioskd. A driver module adds its factory here; a module
    /// that brings a new category also adds its ``DeviceFamily`` (category and roles) in `families:`.
    public static let kiosk = DeviceDrivers([
        SimulatedDeviceFactory(),
        PCSCDriverFactory(),
        GA467DriverFactory(),
        USBHIDDriverFactory(),
        SerialScannerDriverFactory(),
        CUPSDriverFactory(),
        SANEDriverFactory(),
        ConsoleTouchPanelFactory(),
    ], families: [.touchPanels])
}
