import Application
import DeviceKit
import Flows
import Foundation
import KioskDaemon
import Logging
import Outbox
import Testing

@Suite struct HolderKeyTests {
    @Test func keysDependOnSaltKindAndNumberButNotOnTheCheckCharactersCase() {
        let keys = HolderKeys(salt: "salt-one-0123456789")
        let other = HolderKeys(salt: "salt-two-0123456789")
        let key = keys.holderKey(kind: .residentID, number: "46010019900101002X")
        #expect(key.count == 64)
        #expect(key == keys.holderKey(kind: .residentID, number: "46010019900101002x"))
        #expect(key != other.holderKey(kind: .residentID, number: "46010019900101002X"))
        #expect(key != keys.holderKey(kind: .passport, number: "46010019900101002X"))
        #expect(!key.contains("4601"))
        #expect(keys.pickupCodeHash("20261127") != keys.holderKey(kind: .residentID, number: "20261127"))
    }

    @Test func demoDataFindsTheSampleCardsCertificates() throws {
        let folder = try temporaryFolder("demo-data")
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = HolderKeys(salt: "demo-salt-not-for-production")
        let codes = try CodeClassifier.load(from: repositoryRoot.appendingPathComponent("Kiosk/codes.yaml"))
        let data = try DemoData.load(repositoryRoot.appendingPathComponent("Kiosk/demo/pickups.yaml"), keys: keys, codes: codes)
        let store = try KioskStore(path: folder.appendingPathComponent("k.sqlite").path, logger: Logger(label: "test"))
        try data.install(into: store)
        let ready = try store.readyPickups(holderKey: keys.holderKey(for: SimulatedIdentities.residentID))
        #expect(ready.map(\.id).sorted() == ["P-2026-000101", "P-2026-000102"])
        #expect(try store.readyPickups(pickupCodeHash: keys.pickupCodeHash("88001234")).map(\.id) == ["P-2026-000103"])
        let digest = try #require(ready.first?.documentDigest)
        #expect(try store.document(digest: digest)?.data.starts(with: Data("%PDF".utf8)) == true)
        #expect(try store.result(code: "HK-2026-0042")?.status.rawValue == "in-review")
    }
}

@Suite struct LogHandlerTests {
    @Test func journalLinesCarryThePriorityAndSanitisedFields() {
        let journal = KioskLogHandler(label: "kioskd", level: .info, environment: ["JOURNAL_STREAM": "8:1234"])
        let line = journal.line(.warning, "device health", ["device": "a4\u{1B}[2J\nprinter", "health": "offline"], source: "KioskDaemon")
        #expect(line.hasPrefix("<4>device health device=a4"))
        #expect(line.contains("health=offline"))
        #expect(!line.dropLast().contains("\n") && !line.contains("\u{1B}"))
        #expect(KioskLogHandler(label: "kioskd", level: .info, environment: [:]).line(.error, "x", nil, source: "s").contains(" error kioskd: x"))
        #expect(KioskLogHandler.priority(.critical) == 2 && KioskLogHandler.priority(.debug) == 7)
    }
}
