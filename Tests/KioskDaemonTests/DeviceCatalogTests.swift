import DeviceKit
import Foundation
import KioskDaemon
import Testing
import YAMLData

/// The catalog as kioskd reads it: with the drivers it links (`DeviceDrivers.kiosk`), whose names
/// and categories the catalog's files are checked against.
private let repositoryDevicesFolder = repositoryRoot.appendingPathComponent("Devices")

private extension DeviceCatalog {
    static func load(directory: URL) throws(ConfigProblems) -> DeviceCatalog {
        try load(directory: directory, drivers: .kiosk)
    }
}

@Suite("Device catalog")
struct DeviceCatalogTests {
    @Test("the repository's Devices/ folder loads without a problem")
    func repositoryCatalog() throws {
        let catalog: DeviceCatalog
        do {
            catalog = try DeviceCatalog.load(directory: repositoryDevicesFolder)
        } catch {
            Issue.record("Devices/ has problems:\n\(error)")
            return
        }
        #expect(catalog.entries.map(\.model) == [
            "3m-microtouch", "cups-ipp-everywhere", "cvr-100u", "egalax-touchkit", "generic-pcsc-reader", "honeywell-1900",
            "sane-generic", "sim-code-scanner", "sim-document-scanner", "sim-identity-reader", "sim-printer",
        ])
        let egalax = try #require(catalog.model("egalax-touchkit"))
        #expect(egalax.category == DeviceCategory("touch-panel") && egalax.driver == CatalogEntry.Driver("console"))
        #expect(egalax.usb?.vendor == 0x0eef && egalax.usb?.product == 0x0001)
        let simulated = catalog.entries.filter { $0.driver == .sim }
        // A touch panel has no simulated model: kioskd never runs one (kioskctl console reads it).
        #expect(Set(simulated.map(\.category)) == Set(DeviceFamilies.builtIn.categories), "one simulated model per category")

        let printer = try #require(catalog.model("sim-printer"))
        #expect(printer.category == .printer)
        #expect(printer.quirks["job-time-ms"] == .number(1500))
        #expect(printer.source == "Devices/sim-printer.yaml")

        let honeywell = try #require(catalog.model("honeywell-1900"))
        #expect(honeywell.driver == CatalogEntry.Driver("usb-hid"))
        #expect(honeywell.usb?.vendor == 0x0c2e)
        #expect(honeywell.usb?.interface == 0)
        #expect(catalog.model("cvr-100u")?.serial?.baud == 115200)
        #expect(catalog.model("cvr-100u")?.driver == CatalogEntry.Driver("ga467"))
        #expect(catalog.model("generic-pcsc-reader")?.driver == CatalogEntry.Driver("pcsc"))
        #expect(catalog.model("cups-ipp-everywhere")?.driver == CatalogEntry.Driver("cups"))
        #expect(catalog.model("sane-generic")?.quirks["resolution-dpi"] == .number(300))
        #expect(catalog.model("no-such-model") == nil)
    }

    @Test("a broken catalog reports every problem as file:line: field: problem")
    func brokenCatalog() throws {
        let folder = try TemporaryDevicesFolder([
            "bad-category.yaml": """
                model: bad-category
                name: Wrong category
                category: scanner
                driver: sim
                colour: blue
                """,
            "misnamed.yaml": """
                model: other-name
                name: Misnamed
                category: printer
                driver: cups
                """,
            "usb-range.yaml": """
                model: usb-range
                name: USB ids out of range
                category: code-scanner
                driver: usb-hid
                usb:
                  vendor: 0x1ffff
                  product: -1
                  interface: 1
                  speed: high
                """,
            "wrong-driver.yaml": """
                model: wrong-driver
                name: A printer driver for a reader
                category: identity-reader
                driver: cups
                """,
            "no-usb.yaml": """
                # A HID scanner needs its USB ids.
                model: no-usb
                name: HID scanner without ids
                category: code-scanner
                driver: usb-hid
                """,
            "bad-baud.yaml": """
                model: bad-baud
                name: Serial scanner
                category: code-scanner
                driver: serial
                serial:
                  baud: 12345
                """,
            "missing.yaml": """
                model: missing
                driver: hid
                """,
            "dup.yaml": "model: dup\nname: First\ncategory: printer\ndriver: sim\n",
            "dup.yml": "model: dup\nname: Second\ncategory: printer\ndriver: sim\n",
            "README.md": "not a model: ignored\n",
        ])
        defer { folder.remove() }

        let problems: [String]
        do {
            _ = try DeviceCatalog.load(directory: folder.url)
            Issue.record("a broken catalog loaded")
            return
        } catch {
            problems = error.problems.map(\.description)
        }
        let fields = "category, driver, model, name, notes, quirks, serial, usb"
        let expected = [
            #"Devices/bad-baud.yaml:6: serial.baud: 12345 is not a standard rate (one of: 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600)"#,
            #"Devices/bad-category.yaml:3: category: "scanner" is not one of: identity-reader, code-scanner, document-scanner, printer, touch-panel"#,
            "Devices/bad-category.yaml:5: colour: unknown field (expected one of: \(fields))",
            #"Devices/dup.yml:1: model: "dup" is already defined in Devices/dup.yaml:1"#,
            #"Devices/misnamed.yaml:1: model: must equal the file name "misnamed", not "other-name""#,
            #"Devices/missing.yaml:1: missing required field "category""#,
            #"Devices/missing.yaml:1: missing required field "name""#,
            #"Devices/missing.yaml:2: driver: "hid" is not one of: sim, pcsc, ga467, usb-hid, serial, cups, sane, console"#,
            #"Devices/no-usb.yaml:5: driver: "usb-hid" needs a "usb" section with vendor and product"#,
            "Devices/usb-range.yaml:6: usb.vendor: must be between 0 and 65535, not 131071",
            "Devices/usb-range.yaml:7: usb.product: must be between 0 and 65535, not -1",
            "Devices/usb-range.yaml:9: usb.speed: unknown field (expected one of: interface, product, vendor)",
            #"Devices/wrong-driver.yaml:4: driver: "cups" runs printer devices, not identity-reader"#,
        ]
        #expect(problems.sorted() == expected.sorted())
        // Sorted by file and line, so an administrator reads them top to bottom.
        let places = problems.map { String($0.prefix { $0 != " " }) }
        #expect(places == places.sorted { lhs, rhs in
            let (l, r) = (lhs.split(separator: ":"), rhs.split(separator: ":"))
            return (l[0], Int(l[1]) ?? 0) < (r[0], Int(r[1]) ?? 0)
        })
    }

    @Test("YAML that does not parse and a file that is not a mapping are reported, not crashed on")
    func unreadable() throws {
        let folder = try TemporaryDevicesFolder([
            "broken.yaml": "model: broken\nname: [unclosed\n",
            "list.yaml": "- model: list\n",
            "empty.yaml": "",
        ])
        defer { folder.remove() }
        do {
            _ = try DeviceCatalog.load(directory: folder.url)
            Issue.record("a broken catalog loaded")
        } catch {
            let problems = error.problems.map(\.description)
            #expect(problems.count == 3)
            #expect(problems.contains { $0.hasPrefix("Devices/broken.yaml:") && $0.contains("not valid YAML") })
            #expect(problems.contains("Devices/empty.yaml: the file is empty"))
            #expect(problems.contains("Devices/list.yaml:1: expected a mapping of fields"))
        }
    }

    @Test("a missing folder is one problem")
    func missingFolder() {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString)/Devices")
        #expect(throws: ConfigProblems.self) { try DeviceCatalog.load(directory: url) }
    }

    @Test("quirks keep their types: numbers, hex, flags and text")
    func quirks() throws {
        let folder = try TemporaryDevicesFolder([
            "quirky.yaml": """
                model: quirky
                name: Quirky
                category: printer
                driver: sim
                quirks:
                  job-time-ms: 20
                  ratio: 1.5
                  mask: 0x1f
                  duplex: true
                  tray: upper
                notes: |
                  Two lines
                  of notes.
                """,
        ])
        defer { folder.remove() }
        let entry = try #require(try DeviceCatalog.load(directory: folder.url).model("quirky"))
        #expect(entry.quirks == ["job-time-ms": .number(20), "ratio": .number(1.5), "mask": .number(31),
                                 "duplex": .flag(true), "tray": .text("upper")])
        #expect(entry.notes == "Two lines\nof notes.") // the file ends without a newline
        #expect(entry.usb == nil)
        #expect(entry.serial == nil)
    }
}

@Suite("Simulated device factory")
struct SimulatedDeviceFactoryTests {
    @Test("builds a simulated driver for every sim model in Devices/")
    func buildsFromCatalog() throws {
        let catalog = try DeviceCatalog.load(directory: repositoryDevicesFolder)
        for entry in catalog.entries where entry.driver == .sim {
            let device = try SimulatedDeviceFactory.makeDevice(for: entry, id: "kiosk-\(entry.model)")
            #expect(device.id == "kiosk-\(entry.model)")
            #expect(device.model == entry.model)
            #expect(device.category == entry.category)
            #expect(device.driver == "sim")
        }
        let printer = try SimulatedDeviceFactory.makeDevice(for: #require(catalog.model("sim-printer")), id: "p")
        #expect((printer as? SimulatedPrinter)?.jobTime == .milliseconds(1500))
        let reader = try SimulatedDeviceFactory.makeDevice(for: #require(catalog.model("sim-identity-reader")), id: "r")
        #expect((reader as? SimulatedIdentityReader)?.readLatency == .milliseconds(300))
        #expect(try SimulatedDeviceFactory.makeDevice(for: #require(catalog.model("sim-document-scanner")), id: "d") is SimulatedDocumentScanner)
        #expect(try SimulatedDeviceFactory.makeDevice(for: #require(catalog.model("sim-code-scanner")), id: "c") is SimulatedCodeScanner)
    }

    @Test("a touch panel is the console's: its model needs USB ids, and kioskd runs none")
    func touchPanelsAreTheConsoles() throws {
        let catalog = try DeviceCatalog.load(directory: repositoryDevicesFolder)
        let panel = try #require(catalog.model("egalax-touchkit"))
        let error = #expect(throws: DeviceError.self) {
            try DeviceDrivers.kiosk.makeDevice(for: panel, id: "touch", connection: DeviceConnection([:]))
        }
        #expect(error?.code == .driverUnavailable && error?.action == .configuration)
        #expect(error?.detail.contains("kioskctl console reads (--touch); leave it out of kiosk.yaml's devices") == true)
        // No role takes a touch panel, so kiosk.yaml cannot name one.
        #expect(!DeviceDrivers.kiosk.families.roles.contains { DeviceDrivers.kiosk.families.category(of: $0) == DeviceCategory("touch-panel") })
        #expect(DeviceDrivers.kiosk.families.categories.contains(DeviceCategory("touch-panel")))
        let folder = try TemporaryDevicesFolder([
            "no-ids.yaml": "model: no-ids\nname: A panel without ids\ncategory: touch-panel\ndriver: console\n",
        ])
        defer { folder.remove() }
        let problems = #expect(throws: ConfigProblems.self) { try DeviceCatalog.load(directory: folder.url) }
        #expect(problems?.problems.map(\.message) == [#""console" needs a "usb" section with vendor and product"#])
    }

    @Test("a model with a real driver is not built here")
    func realDriver() {
        let entry = CatalogEntry(model: "cups-ipp-everywhere", name: "CUPS", category: .printer, driver: CatalogEntry.Driver("cups"))
        let error = #expect(throws: DeviceError.self) { try SimulatedDeviceFactory.makeDevice(for: entry, id: "p") }
        #expect(error?.code == .driverUnavailable)
        #expect(error?.action == .configuration)
    }

    @Test("a timing quirk that is not a number of milliseconds is a configuration error")
    func badQuirk() {
        let entry = CatalogEntry(model: "sim-printer", name: "Sim", category: .printer, driver: .sim,
                                 quirks: ["job-time-ms": .text("fast")], source: "Devices/sim-printer.yaml")
        let error = #expect(throws: DeviceError.self) { try SimulatedDeviceFactory.makeDevice(for: entry, id: "p") }
        #expect(error?.code == .badQuirk)
        #expect(error?.detail.hasPrefix("Devices/sim-printer.yaml: quirks.job-time-ms") == true)
    }
}

/// A folder named `Devices` in a fresh temporary place, holding the given files.
struct TemporaryDevicesFolder {
    let parent: URL
    var url: URL { parent.appendingPathComponent("Devices") }

    init(_ files: [String: String]) throws {
        parent = FileManager.default.temporaryDirectory.appendingPathComponent("devicekit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: parent.appendingPathComponent("Devices"), withIntermediateDirectories: true)
        for (name, text) in files {
            try Data(text.utf8).write(to: parent.appendingPathComponent("Devices").appendingPathComponent(name))
        }
    }

    func remove() { try? FileManager.default.removeItem(at: parent) }
}
