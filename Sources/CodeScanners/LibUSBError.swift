import CLibUSB
import DeviceKit

/// libusb's error codes as DeviceErrors: what an operator should do about each.
enum LibUSBError {
    static func name(_ code: Int32) -> String {
        guard let name = libusb_error_name(code) else { return "LIBUSB_ERROR_\(code)" }
        return String(cString: name)
    }

    static func deviceError(_ code: Int32, while step: String) -> DeviceError {
        let detail = "\(step) failed: \(name(code))"
        switch libusb_error(rawValue: code) {
        case LIBUSB_ERROR_ACCESS:
            return DeviceError(code: .usbAccessDenied, action: .configuration,
                               detail: detail + " (install kioskd's udev rules: kioskd udev-rules)")
        case LIBUSB_ERROR_BUSY:
            return DeviceError(code: .usbBusy, action: .reset, detail: detail + " (another program holds the interface)")
        case LIBUSB_ERROR_NO_DEVICE, LIBUSB_ERROR_NOT_FOUND:
            return DeviceError(code: .disconnected, action: .reset, detail: detail)
        default:
            return DeviceError(code: .usbError, action: .reset, detail: detail)
        }
    }
}
