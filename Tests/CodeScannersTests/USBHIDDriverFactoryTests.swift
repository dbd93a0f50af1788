import DeviceKit
import Foundation
import Testing
@testable import CodeScanners

@Suite struct USBHIDDriverFactoryTests {
    let entry = CatalogEntry(model: "honeywell-1900", name: "Honeywell", category: .codeScanner, driver: .usbHID,
                             usb: .init(vendor: 0x0c2e, product: 0x0b61, interface: 0),
                             quirks: ["report-mode": .text("keyboard")], source: "Devices/honeywell-1900.yaml")

    private func settings(_ connection: [String: String] = [:], entry: CatalogEntry? = nil) throws(DeviceError) -> USBScannerSettings {
        try USBHIDDriverFactory.settings(for: entry ?? self.entry, id: "lobby", connection: DeviceConnection(connection))
    }

    private func refusal(_ connection: [String: String] = [:], entry: CatalogEntry? = nil) -> DeviceError? {
        do {
            _ = try settings(connection, entry: entry)
            return nil
        } catch {
            return error
        }
    }

    @Test func catalogEntryGivesTheSettings() throws {
        let settings = try settings()
        #expect(settings.vendor == 0x0c2e && settings.product == 0x0b61 && settings.interface == 0)
        #expect(settings.mode == .keyboard && settings.selection == .any && settings.hotplug == .automatic)
    }

    @Test func makesADeviceAndOpensNothing() throws {
        let device = try USBHIDDriverFactory().makeDevice(for: entry, id: "lobby", connection: DeviceConnection())
        #expect(device.driver == "usb-hid" && device.category == .codeScanner && device.model == "honeywell-1900")
    }

    @Test func connectionPicksAUnit() throws {
        #expect(try settings(["bus": "3", "address": "17"]).selection == .busAddress(bus: 3, address: 17))
        #expect(try settings(["serial": "19123B4567"]).selection == .serial("19123B4567"))
        #expect(try settings(["hotplug": "poll"]).hotplug == .poll)
    }

    @Test func badConnectionsNameTheKey() {
        for (connection, key) in [
            (["bus": "3"], "bus"), (["address": "4"], "address"), (["bus": "0", "address": "4"], "bus"),
            (["bus": "1", "address": "200"], "address"), (["serial": "a b"], "serial"),
            (["serial": "X", "bus": "1", "address": "2"], "serial"), (["hotplug": "sometimes"], "hotplug"),
            (["port": "/dev/ttyACM0"], "port"),
        ] {
            let error = refusal(connection)
            #expect(error?.action == .configuration)
            #expect(error?.detail.contains(key) == true, "\(connection)")
        }
    }

    @Test func reportModeIsRequiredAndChecked() {
        var entry = self.entry
        entry.quirks = [:]
        #expect(refusal(entry: entry)?.detail.contains("report-mode") == true)
        entry.quirks = ["report-mode": .text("serial")]
        #expect(refusal(entry: entry)?.detail.contains("report-mode") == true)
        entry.quirks = ["report-mode": .text("hid-pos"), "scans-per-second": .number(5000)]
        #expect(refusal(entry: entry)?.detail.contains("scans-per-second") == true)
    }

    @Test func shippedCatalogModelsMakeDevices() throws {
        // The shipped models of this driver, read as kioskd reads the catalog, with this driver linked.
        let devices = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Devices").standardizedFileURL
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("usb-hid-models-\(UUID().uuidString)/Devices")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        for name in try FileManager.default.contentsOfDirectory(atPath: devices.path) where name.hasSuffix(".yaml") {
            let text = try String(contentsOf: devices.appendingPathComponent(name), encoding: .utf8)
            if text.contains("driver: usb-hid") { try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        }
        let catalog = try DeviceCatalog.load(directory: folder, drivers: DeviceDrivers([USBHIDDriverFactory()]))
        let models = catalog.entries.filter { $0.driver == .usbHID }
        #expect(!models.isEmpty)
        for model in models {
            let device = try USBHIDDriverFactory().makeDevice(for: model, id: model.model, connection: DeviceConnection())
            #expect(device.model == model.model)
        }
    }

    @Test func otherDriversAreRefused() {
        var entry = self.entry
        entry.driver = .serial
        #expect(refusal(entry: entry)?.action == .configuration)
    }
}
