import DeviceKit
import Foundation
import YAMLData

/// The udev rules that let kioskd, running as the unprivileged user `kiosk`, open the catalog's USB
/// devices itself: the USB device node libusb opens (`/dev/bus/usb/BBB/DDD`), the `hidraw` node of a
/// HID code scanner, and the `tty` of a serial device behind a USB adapter. Generated from the
/// catalog (`kioskd udev-rules`) so that adding a model to `Devices/` is all it takes.
///
/// Devices reached through a system service (pcscd, CUPS) need no rules, and neither do simulated
/// ones; a serial model without USB ids cannot be matched and gets a comment instead. A touch panel
/// (driver `console`) is the console's, not kioskd's: its event device goes to group input, which
/// kiosk-console.service runs with, and is named `/dev/input/kiosk-touch`.
public enum UdevRules {
    /// The group the device nodes are given to: kioskd's own group (`Group=kiosk` in kioskd.service;
    /// systemd-sysusers makes it with the user `kiosk`).
    public static let group = "kiosk"
    /// Read and write for kiosk and its group, nothing for others. No `TAG+="uaccess"`: that hands the
    /// device to whoever is logged in on the seat, and a kiosk's daemon is not a seat user.
    public static let mode = "0660"

    /// The rules file for every catalog entry with USB ids, sorted by model; the same catalog always
    /// gives the same text.
    public static func generate(catalog: DeviceCatalog) -> String {
        var lines = [
            "# Generated from the Kiosk device catalog by `kioskd udev-rules`: do not edit, regenerate.",
            "# Gives the catalog's USB devices to group \(group), which kioskd runs as (kioskd.service),",
            "# so its drivers can open them without root. Simulated models need no rules; models reached",
            "# through pcscd or CUPS are opened by those services.",
        ]
        for entry in catalog.entries.sorted(by: { $0.model < $1.model }) where entry.driver != .sim {
            lines.append(contentsOf: rules(for: entry))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Reads the catalog in `directory` (as `DeviceCatalog.load` does) and generates its rules.
    public static func generate(catalogDirectory directory: URL) throws(ConfigProblems) -> String {
        generate(catalog: try DeviceCatalog.load(directory: directory, drivers: .kiosk))
    }

    static func rules(for entry: CatalogEntry) -> [String] {
        let title = "# \(entry.model): \(oneLine(entry.name)) (driver \(entry.driver.rawValue))"
        guard let usb = entry.usb else {
            guard entry.serial != nil else { return [] }
            return [
                "",
                title,
                "# A serial line without USB ids in the catalog: no rule. Add a usb section to the model's",
                "# file to match it, or give kiosk the port another way (e.g. SupplementaryGroups=dialout).",
            ]
        }
        let vendor = hex(usb.vendor), product = hex(usb.product)
        let access = "GROUP=\"\(group)\", MODE=\"\(mode)\""
        var lines = [
            "",
            title,
            "SUBSYSTEM==\"usb\", ENV{DEVTYPE}==\"usb_device\", ATTR{idVendor}==\"\(vendor)\", ATTR{idProduct}==\"\(product)\", \(access)",
        ]
        if entry.driver == .usbHID {
            lines.append("SUBSYSTEM==\"hidraw\", ATTRS{idVendor}==\"\(vendor)\", ATTRS{idProduct}==\"\(product)\", \(access)")
        }
        if entry.driver == .console {
            // A touch panel: its event device for the console (group input), named for --touch.
            return [
                "",
                title,
                "SUBSYSTEM==\"input\", KERNEL==\"event*\", ATTRS{idVendor}==\"\(vendor)\", ATTRS{idProduct}==\"\(product)\", "
                    + "ENV{ID_INPUT_TOUCHSCREEN}=\"1\", GROUP=\"input\", MODE=\"0660\", SYMLINK+=\"input/kiosk-touch\"",
            ]
        }
        if entry.serial != nil || entry.driver == .serial {
            lines.append("SUBSYSTEM==\"tty\", ATTRS{idVendor}==\"\(vendor)\", ATTRS{idProduct}==\"\(product)\", \(access)")
        }
        return lines
    }

    /// Four lower-case hex digits, as udev shows `idVendor` and `idProduct`.
    static func hex(_ value: UInt16) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }

    /// A name on one comment line: control characters (a newline would end the comment) become spaces.
    static func oneLine(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : Character($0) })
            .trimmingCharacters(in: .whitespaces)
    }
}
