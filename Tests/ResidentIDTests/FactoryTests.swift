import DeviceKit
import ResidentID
import Testing

@Suite struct FactoryTests {
    static let entry = CatalogEntry(model: "cvr-100u", name: "Huashi CVR-100U", category: .identityReader, driver: .ga467,
                                    serial: .init(baud: 57600))

    @Test func buildsAReaderAndOpensNothing() throws {
        let device = try GA467DriverFactory().makeDevice(
            for: Self.entry, id: "id-reader", connection: DeviceConnection(["path": "/dev/does-not-exist", "wlt-decoder": "/opt/vendor/libwlt.so"]))
        let reader = try #require(device as? GA467Reader)
        #expect(reader.id == "id-reader")
        #expect(reader.model == "cvr-100u")
        #expect(reader.driver == "ga467")
        #expect(reader.category == .identityReader)
        #expect(reader.settings.path == "/dev/does-not-exist")
        #expect(reader.settings.baud == 57600)
        #expect(reader.settings.wltDecoderPath == "/opt/vendor/libwlt.so")
        #expect(GA467DriverFactory().driver == .ga467)
    }

    @Test func theBaudDefaultsTo115200() throws {
        var entry = Self.entry
        entry.serial = nil
        let reader = try #require(try GA467DriverFactory().makeDevice(for: entry, id: "r", connection: DeviceConnection(["path": "/dev/ttyUSB0"])) as? GA467Reader)
        #expect(reader.settings.baud == 115_200)
        #expect(reader.settings.wltDecoderPath == nil)
    }

    @Test(arguments: [
        ([String: String](), "missing-connection", "connection.path"),
        (["path": "ttyUSB0"], "bad-connection", "connection.path"),
        (["path": "/dev/ttyUSB0", "wlt-decoder": "libwlt.so"], "bad-connection", "connection.wlt-decoder"),
    ])
    func badSettingsNameTheKey(settings: [String: String], code: String, key: String) {
        do {
            _ = try GA467DriverFactory().makeDevice(for: Self.entry, id: "r", connection: DeviceConnection(settings))
            Issue.record("accepted \(settings)")
        } catch {
            #expect(error.code.rawValue == code)
            #expect(error.action == .configuration)
            #expect(error.detail.contains(key))
        }
    }

    @Test func onlyIdentityReaders() {
        let entry = CatalogEntry(model: "x", name: "x", category: .printer, driver: .ga467)
        #expect(throws: DeviceError.self) {
            try GA467DriverFactory().makeDevice(for: entry, id: "r", connection: DeviceConnection(["path": "/dev/ttyUSB0"]))
        }
    }

    @Test func aBaudTermiosCannotSetIsACatalogError() {
        var entry = Self.entry
        entry.serial = .init(baud: 14400)
        do {
            _ = try GA467DriverFactory().makeDevice(for: entry, id: "r", connection: DeviceConnection(["path": "/dev/ttyUSB0"]))
            Issue.record("accepted 14400")
        } catch {
            #expect(error.detail.contains("serial.baud"))
        }
    }
}
