import CLibUSB
import DeviceKit

/// An opened scanner with its HID interface claimed: the kernel's HID driver detached while the
/// kiosk holds it (so the scanner does not also type into a console) and given back on release.
/// Used only on the driver's USB thread.
final class USBClaimedInterface {
    let handle: OpaquePointer
    let interface: Int32
    let endpoint: UInt8
    let packetSize: Int
    let bus: UInt8
    let address: UInt8
    private var detachedKernelDriver = false
    private var released = false

    /// Opens `device`, finds the HID interface and its interrupt-IN endpoint, detaches the kernel
    /// driver if one is bound, and claims the interface.
    init(device: OpaquePointer, wanted: Int?) throws(DeviceError) {
        bus = libusb_get_bus_number(device)
        address = libusb_get_device_address(device)
        let (interface, endpoint, packetSize) = try Self.interruptEndpoint(of: device, wanted: wanted)
        var opened: OpaquePointer?
        let status = libusb_open(device, &opened)
        guard status == 0, let opened else { throw LibUSBError.deviceError(status, while: "opening the scanner") }
        handle = opened
        self.interface = interface
        self.endpoint = endpoint
        self.packetSize = packetSize
        // Detach only a driver that is there, and remember it to give it back: libusb's automatic
        // detach would also do this, but it cannot say whether there was one to give back.
        if libusb_kernel_driver_active(handle, interface) == 1 {
            let detached = libusb_detach_kernel_driver(handle, interface)
            guard detached == 0 else {
                libusb_close(handle)
                throw LibUSBError.deviceError(detached, while: "detaching the kernel's HID driver")
            }
            detachedKernelDriver = true
        }
        let claimed = libusb_claim_interface(handle, interface)
        guard claimed == 0 else {
            if detachedKernelDriver { libusb_attach_kernel_driver(handle, interface) }
            libusb_close(handle)
            throw LibUSBError.deviceError(claimed, while: "claiming interface \(interface)")
        }
    }

    /// Releases the interface, gives the kernel driver back and closes. Safe to call twice.
    func release(deviceGone: Bool) {
        guard !released else { return }
        released = true
        if !deviceGone {
            libusb_release_interface(handle, interface)
            if detachedKernelDriver { libusb_attach_kernel_driver(handle, interface) }
        }
        libusb_close(handle)
    }

    deinit { release(deviceGone: false) }

    /// The interface to use (the wanted one, or the first HID one) and its first interrupt-IN endpoint.
    private static func interruptEndpoint(of device: OpaquePointer, wanted: Int?) throws(DeviceError) -> (Int32, UInt8, Int) {
        var config: UnsafeMutablePointer<libusb_config_descriptor>?
        var status = libusb_get_active_config_descriptor(device, &config)
        if status != 0 { status = libusb_get_config_descriptor(device, 0, &config) }
        guard status == 0, let config else { throw LibUSBError.deviceError(status, while: "reading the configuration descriptor") }
        defer { libusb_free_config_descriptor(config) }
        for index in 0..<Int(config.pointee.bNumInterfaces) {
            let interface = config.pointee.interface[index]
            guard interface.num_altsetting > 0 else { continue }
            let setting = interface.altsetting[0]
            let number = Int(setting.bInterfaceNumber)
            if let wanted, wanted != number { continue }
            if wanted == nil && setting.bInterfaceClass != UInt8(LIBUSB_CLASS_HID.rawValue) { continue }
            for endpointIndex in 0..<Int(setting.bNumEndpoints) {
                let endpoint = setting.endpoint[endpointIndex]
                let isIn = endpoint.bEndpointAddress & 0x80 != 0
                let isInterrupt = endpoint.bmAttributes & 0x03 == UInt8(LIBUSB_TRANSFER_TYPE_INTERRUPT.rawValue)
                if isIn && isInterrupt {
                    let size = Int(endpoint.wMaxPacketSize & 0x7FF)
                    return (Int32(number), endpoint.bEndpointAddress, max(1, size))
                }
            }
        }
        let which = wanted.map { "interface \($0)" } ?? "a HID interface"
        throw DeviceError(code: .noInterruptEndpoint, action: .configuration,
                          detail: "the device has no \(which) with an interrupt-IN endpoint; check usb.interface in the catalog")
    }
}
