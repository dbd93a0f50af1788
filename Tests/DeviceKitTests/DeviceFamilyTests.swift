import DeviceKit
import Foundation
import Synchronization
import Testing
import YAMLData

// A device family as its own module declares it, following docs/ARCHITECTURE.md "How to add a
// device family": nothing here is edited into DeviceKit. A bell stands in for the next family.

protocol Bell: Device {
    /// Rings once; false when the bell cannot ring now.
    func ring() async -> Bool
}

extension Bell {
    var category: DeviceCategory { .bell }
}

extension DeviceCategory {
    static let bell = DeviceCategory("bell")
}

extension DeviceRole {
    static let doorBell = DeviceRole("door-bell")
}

extension DeviceFamily {
    static let bells = DeviceFamily(.bell, roles: [.doorBell])
}

extension CatalogEntry.Driver {
    static let gpio = CatalogEntry.Driver("gpio")
}

final class SimulatedBell: Bell {
    let id: String
    let model: String
    var driver: String { "sim" }
    let rings = Mutex(0)

    init(id: String, model: String) {
        self.id = id
        self.model = model
    }

    func start(sink: DeviceEventSink) async throws { sink.status(.online) }
    func stop() async {}
    func currentHealth() async -> DeviceHealth { .online }
    func selfTest() async -> DeviceHealth { .online }
    func reset() async throws {}
    func ring() async -> Bool {
        rings.withLock { $0 += 1 }
        return true
    }
}

/// The family's simulated driver: `driver: sim` for its own category, beside DeviceKit's.
struct SimulatedBellFactory: DeviceDriverFactory {
    var driver: CatalogEntry.Driver { .sim }
    var categories: [DeviceCategory] { [.bell] }

    func makeDevice(for entry: CatalogEntry, id: String, connection: DeviceConnection) throws(DeviceError) -> any Device {
        SimulatedBell(id: id, model: entry.model)
    }
}

/// A real driver of the family, which needs a serial line in the model's catalog file.
struct GPIOBellFactory: DeviceDriverFactory {
    var driver: CatalogEntry.Driver { .gpio }
    var categories: [DeviceCategory] { [.bell] }
    var catalogSections: CatalogSections { .serial }

    func makeDevice(for entry: CatalogEntry, id: String, connection: DeviceConnection) throws(DeviceError) -> any Device {
        SimulatedBell(id: id, model: entry.model)
    }
}

@Suite("A device family from its own module")
struct DeviceFamilyTests {
    /// The program's driver list: the only place besides Package.swift that names the family.
    let drivers = DeviceDrivers([SimulatedDeviceFactory(), SimulatedBellFactory(), GPIOBellFactory()], families: [.bells])

    func catalogFolder(_ files: [String: String]) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("family-\(UUID().uuidString)/Devices")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return folder
    }

    @Test("its models load from the catalog, and each driver name builds the right device")
    func catalogAndDrivers() throws {
        let folder = try catalogFolder([
            "sim-bell.yaml": "model: sim-bell\nname: Simulated bell\ncategory: bell\ndriver: sim\n",
            "sim-printer.yaml": "model: sim-printer\nname: Simulated printer\ncategory: printer\ndriver: sim\n",
        ])
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let catalog = try DeviceCatalog.load(directory: folder, drivers: drivers)
        let bell = try #require(catalog.model("sim-bell"))
        #expect(bell.category == .bell)
        #expect(try drivers.makeDevice(for: bell, id: "bell", connection: DeviceConnection()) is SimulatedBell)
        // DeviceKit's simulated printer is still the one `sim` builds for a printer.
        let printer = try #require(catalog.model("sim-printer"))
        #expect(try drivers.makeDevice(for: printer, id: "p", connection: DeviceConnection()) is SimulatedPrinter)
        #expect(drivers.families.roles.contains(.doorBell))
        #expect(drivers.families.category(of: .doorBell) == .bell)
        #expect(drivers.available == [.sim, .gpio])
    }

    @Test("the catalog checks the family's category and its driver's sections, and a program without it refuses it")
    func catalogProblems() throws {
        let folder = try catalogFolder([
            "gpio-bell.yaml": "model: gpio-bell\nname: Bell on a line\ncategory: bell\ndriver: gpio\n",
            "gpio-printer.yaml": "model: gpio-printer\nname: Not a bell\ncategory: printer\ndriver: gpio\nserial:\n  baud: 9600\n",
        ])
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let problems = #expect(throws: ConfigProblems.self) { try DeviceCatalog.load(directory: folder, drivers: drivers) }
        #expect(problems?.problems.map(\.description).sorted() == [
            #"Devices/gpio-bell.yaml:4: driver: "gpio" needs a "serial" section with baud"#,
            #"Devices/gpio-printer.yaml:4: driver: "gpio" runs bell devices, not printer"#,
        ])

        let without = #expect(throws: ConfigProblems.self) {
            try DeviceCatalog.load(directory: folder, drivers: DeviceDrivers([SimulatedDeviceFactory()]))
        }
        #expect(without?.problems.map(\.description).contains(
            #"Devices/gpio-bell.yaml:3: category: "bell" is not one of: identity-reader, code-scanner, document-scanner, printer"#) == true)
    }

    @Test("DeviceManager runs it in its role and hands it out by its protocol; without the family the role is refused")
    func managed() async throws {
        let bell = SimulatedBell(id: "bell", model: "sim-bell")
        let kiosk = RunningManager([ManagedDevice(bell, role: .doorBell)], families: drivers.families)
        #expect(await eventually { await kiosk.snapshot("bell")?.health == .online })
        let handed = try #require(await kiosk.manager.device(for: .doorBell, as: (any Bell).self))
        #expect(await handed.ring())
        #expect(bell.rings.withLock { $0 } == 1)
        #expect(await kiosk.manager.device(for: .doorBell, as: (any Printer).self) == nil)
        #expect(await kiosk.snapshot("bell")?.category == .bell)
        await kiosk.shutdown()

        let unknown = RunningManager([ManagedDevice(SimulatedBell(id: "bell", model: "sim-bell"), role: .doorBell)])
        #expect(await unknown.snapshot("bell")?.health == DeviceHealth(state: .offline, reason: .roleMismatch, action: .configuration))
        #expect(await unknown.manager.device(for: .doorBell, as: (any Bell).self) == nil)
        await unknown.shutdown()
    }
}
