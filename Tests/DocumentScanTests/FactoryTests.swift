import CSANE
import DeviceKit
import Foundation
import Testing
@testable import DocumentScan

/// The factory reads the catalog entry and kiosk.yaml's connection settings, checks them, and opens nothing.
@Suite("SANE driver factory")
struct FactoryTests {
    static let entry = CatalogEntry(model: "sane-generic", name: "Any SANE scanner", category: .documentScanner, driver: .sane,
                                    quirks: ["resolution-dpi": .number(300), "mode": .text("Color")],
                                    source: "Devices/sane-generic.yaml")

    func make(_ settings: [String: String], entry: CatalogEntry = entry) throws(DeviceError) -> SANEDocumentScanner {
        try SANEDriverFactory().makeScanner(for: entry, id: "lobby-scanner", connection: DeviceConnection(settings))
    }

    @Test("the catalog's quirks apply, and connection settings override them")
    func settings() throws {
        let plain = try make(["device": "test:0"])
        #expect(plain.deviceName == "test:0")
        #expect(plain.settings.resolutionDPI == 300 && plain.settings.mode == .color && plain.settings.source == .flatbed)
        #expect(plain.model == "sane-generic" && plain.driver == "sane" && plain.category == .documentScanner)

        let custom = try make(["device": "epsonds:libusb:001:004", "resolution-dpi": "150", "mode": "grey",
                               "source": "ADF", "max-pages": "20", "option.page-height": "297"])
        #expect(custom.settings == ScanSettings(resolutionDPI: 150, mode: .gray, source: .feeder, maxPages: 20,
                                                backendOptions: ["page-height": "297"]))
    }

    @Test("the factory is the one DeviceDrivers picks for driver sane")
    func viaDeviceDrivers() throws {
        let drivers = DeviceDrivers([SANEDriverFactory()])
        #expect(drivers.available == [.sane])
        let device = try drivers.makeDevice(for: Self.entry, id: "s", connection: DeviceConnection(["device": "test:0"]))
        #expect(device is SANEDocumentScanner)
    }

    @Test("bad settings are configuration errors naming the key", arguments: [
        ([:], "missing-connection", "connection.device"),
        (["device": ""], "missing-connection", "connection.device"),
        (["device": "test:0\u{1b}[2J"], "bad-connection", "connection.device"),
        (["device": "test:0", "resolution-dpi": "9600"], "bad-connection", "connection.resolution-dpi"),
        (["device": "test:0", "resolution-dpi": "high"], "bad-connection", "connection.resolution-dpi"),
        (["device": "test:0", "mode": "sepia"], "bad-connection", "connection.mode"),
        (["device": "test:0", "source": "tray"], "bad-connection", "connection.source"),
        (["device": "test:0", "max-pages": "0"], "bad-connection", "connection.max-pages"),
        (["device": "test:0", "option.Bad Name": "1"], "bad-connection", "connection.option.Bad Name"),
    ] as [([String: String], String, String)])
    func badSettings(settings: [String: String], code: String, key: String) {
        do {
            _ = try make(settings)
            Issue.record("accepted \(settings)")
        } catch {
            #expect(error.code.rawValue == code)
            #expect(error.action == .configuration)
            #expect(error.detail.contains(key), "detail: \(error.detail)")
            #expect(error.detail.contains("lobby-scanner"))
        }
    }

    @Test("a catalog entry for another driver or category is refused")
    func wrongEntry() {
        let printer = CatalogEntry(model: "p", name: "p", category: .printer, driver: CatalogEntry.Driver("cups"))
        #expect(throws: DeviceError.self) { try make(["device": "test:0"], entry: printer) }
    }

    @Test("making a device opens nothing: a missing device is only found when started")
    func opensNothing() async throws {
        TestSANE.prepare()
        let scanner = try make(["device": "nosuchbackend:7"])
        #expect(await scanner.currentHealth() == .online) // nothing asked yet
        await #expect(throws: DeviceError.self) { try await scanner.start(sink: HealthLog().sink(id: "x")) }
    }

    @Test("a scanner built from kiosk.yaml settings scans with the test backend")
    func scansFromConfiguration() async throws {
        TestSANE.prepare()
        let scanner = try make(["device": TestSANE.nextDevice(), "resolution-dpi": "40", "mode": "Gray",
                                "source": "ADF", "max-pages": "2", "option.test-picture": "Grid"])
        try await scanner.start(sink: HealthLog().sink(id: "lobby-scanner"))
        defer { Task { await scanner.stop() } }
        let pages = try await scanner.scan()
        #expect(pages.count == 2)
        #expect(pages.allSatisfy { $0.widthPixels == TestSANE.size(dpi: 40).width })
    }
}

/// The status table on its own.
@Suite("SANE status mapping")
struct StatusMappingTests {
    @Test("every failure status has a stable code, an action, and a health that matches")
    func table() {
        for status in SANEStatus.failures {
            let code = status.code?.rawValue ?? ""
            #expect(!code.isEmpty && code == code.lowercased())
            #expect(!code.contains(" "))
            let error = status.error("sane_start on test:0")
            #expect(error.detail.hasPrefix("sane_start on test:0: "))
            #expect(SANEDocumentScanner.health(after: error) == status.health)
        }
        #expect(SANEStatus.coverOpen.health == DeviceHealth(state: .userError, reason: .coverOpen, action: .maintenance))
        #expect(SANEStatus.noDocuments.action == .retry)
        #expect(SANEStatus(SANE_Status(rawValue: 12)) == .warmingUp)
        #expect(SANEStatus(SANE_Status(rawValue: 99)) == .unknown(99))
        #expect(SANEStatus.unknown(99).health.state == .offline)
        #expect(SANEDocumentScanner.health(after: DeviceError(code: .notFound, action: .reset, detail: "")) == .offline(.notFound))
    }

    @Test("mode and source words of various backends are matched")
    func backendWords() {
        #expect(SANEOptionSetter.modeValue(.color, among: ["Lineart", "Gray", "Color"]) == "Color")
        #expect(SANEOptionSetter.modeValue(.color, among: ["Binary", "True Gray", "24bit Color"]) == "24bit Color")
        #expect(SANEOptionSetter.modeValue(.gray, among: ["Binary", "True Gray", "24bit Color"]) == "True Gray")
        #expect(SANEOptionSetter.modeValue(.lineart, among: ["Binary", "True Gray"]) == "Binary")
        #expect(SANEOptionSetter.modeValue(.lineart, among: ["Gray", "Color"]) == nil)
        #expect(SANEOptionSetter.sourceValue(.feeder, among: ["Flatbed", "ADF Duplex", "ADF Front"]) == "ADF Front")
        #expect(SANEOptionSetter.sourceValue(.feeder, among: ["Flatbed", "Automatic Document Feeder"]) == "Automatic Document Feeder")
        #expect(SANEOptionSetter.sourceValue(.flatbed, among: ["ADF"]) == nil)
    }
}
