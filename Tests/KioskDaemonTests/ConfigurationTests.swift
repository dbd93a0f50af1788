import DeviceKit
import Foundation
import KioskDaemon
import Testing
import YAMLData

@Suite struct ConfigurationTests {
    @Test func shippedConfigurationLoadsWithItsDevices() throws {
        let checked = try CheckedConfiguration.load(path: shippedConfiguration)
        #expect(checked.configuration.kioskID == "HK-DEMO-01")
        #expect(checked.configuration.devices.map(\.role.rawValue) == [
            "identity-reader", "code-scanner", "document-scanner", "certificate-printer", "receipt-printer",
        ])
        #expect(checked.configuration.contentDirectory.path.hasSuffix("/Kiosk"))
        #expect(checked.configuration.catalogDirectory.path.hasSuffix("/Devices"))
    }

    @Test func everyProblemIsListedWithFileLineAndField() throws {
        let folder = try temporaryFolder("config")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("kiosk.yaml").path
        try """
        kiosk:
          id: "bad id!"
        content: \(repositoryRoot.path)/Kiosk
        catalog: \(repositoryRoot.path)/Devices
        langauge: en
        session:
          idle-seconds: 2
        holder-key-salt: short
        devices:
          - {id: r, model: sim-identity-reader, role: printer}
          - {id: p, model: no-such-model, role: certificate-printer}
          - {id: s, model: sim-code-scanner, role: receipt-printer}
          - {id: c, model: cups-ipp-everywhere, role: certificate-printer}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        var messages: [String] = []
        do { _ = try CheckedConfiguration.load(path: path) } catch { messages = error.problems.map(\.description) }
        #expect(messages.contains("\(path):2: kiosk.id: use up to 32 letters, digits and dashes"))
        #expect(messages.contains { $0.hasPrefix("\(path):5: langauge: unknown field") })
        #expect(messages.contains("\(path):7: session.idle-seconds: must be between 10 and 3600, not 2"))
        #expect(messages.contains("\(path):8: holder-key-salt: use at least 16 characters"))
        #expect(messages.contains { $0.hasPrefix("\(path):10: devices.0.role: \"printer\" is not one of:") })
        // The whole file is read before the catalog checks, so these come in a second round only
        // when the file itself is sound; fix the file's own problems and they show.
        try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: "\"bad id!\"", with: "K-1")
            .replacingOccurrences(of: "langauge", with: "language")
            .replacingOccurrences(of: "idle-seconds: 2", with: "idle-seconds: 20")
            .replacingOccurrences(of: "salt: short", with: "salt: long-enough-salt-value")
            .replacingOccurrences(of: "role: printer}", with: "role: identity-reader}")
            .write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try CheckedConfiguration.load(path: path)
            Issue.record("expected catalog problems")
        } catch {
            let second = error.problems.map(\.description)
            #expect(second.contains { $0.hasPrefix("\(path):11: devices.1.model: no model \"no-such-model\" in the device catalog") })
            #expect(second.contains("\(path):12: devices.2.model: \"sim-code-scanner\" is a code-scanner, not usable as receipt-printer"))
            #expect(second.contains("\(path):13: devices.3.connection: device c needs connection.queue in kiosk.yaml"))
        }
    }

    @Test func realDriversTakeTheirConnectionFromKioskYAML() throws {
        let folder = try temporaryFolder("config-connection")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("kiosk.yaml").path
        try """
        kiosk:
          id: K-2
        content: \(repositoryRoot.path)/Kiosk
        catalog: \(repositoryRoot.path)/Devices
        holder-key-salt: long-enough-salt-value
        devices:
          - {id: a4, model: cups-ipp-everywhere, role: certificate-printer, connection: {queue: kiosk-a4, paper: a4}}
          - {id: id, model: cvr-100u, role: identity-reader, connection: {path: /dev/ttyUSB0}}
          - {id: pass, model: generic-pcsc-reader, role: identity-reader}
          - {id: docs, model: sane-generic, role: document-scanner, connection: {device: "test:0"}}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let checked = try CheckedConfiguration.load(path: path)
        #expect(checked.configuration.devices.map(\.connection) == [
            DeviceConnection(["queue": "kiosk-a4", "paper": "a4"]), DeviceConnection(["path": "/dev/ttyUSB0"]),
            DeviceConnection(), DeviceConnection(["device": "test:0"]),
        ])
        // A key a driver does not know is a problem on the device's line, not a silent default.
        try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "paper: a4", with: "papr: a4")
            .write(toFile: path, atomically: true, encoding: .utf8)
        var messages: [String] = []
        do { _ = try CheckedConfiguration.load(path: path) } catch { messages = error.problems.map(\.description) }
        #expect(messages.count == 1 && messages.first?.hasPrefix("\(path):7: devices.0.connection:") == true, "\(messages)")
    }

    @Test func aMissingFileIsAProblemNotACrash() {
        #expect(throws: ConfigProblems.self) { try CheckedConfiguration.load(path: "/nonexistent/kiosk.yaml") }
    }
}
