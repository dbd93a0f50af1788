import Foundation
import KioskControl
import KioskDaemon
import OutboxStatus
import Testing

/// The offline queue as hall operators and citizens meet it: the offline notice, `kioskctl queue`
/// in both output forms, dead items listed, exported and retried, and sealing at rest.
@Suite(.serialized) struct QueueEndToEndTests {
    /// A private file with `contents`, as a token or key must be.
    static func privateFile(_ folder: URL, _ name: String, _ contents: Data) -> String {
        let path = folder.appendingPathComponent(name).path
        _ = FileManager.default.createFile(atPath: path, contents: contents, attributes: [.posixPermissions: 0o600])
        return path
    }

    /// Collects the sample card's first certificate through the screen, as a citizen would.
    static func collectWithIDCard(_ kiosk: KioskUnderTest) async throws {
        try await kiosk.press("1")
        try await kiosk.waitFor("请把身份证平放在读卡区")
        #expect(try kiosk.ctl("sim", "insert-card").status == 0)
        try await kiosk.waitFor("您有 2 份证照可以领取")
        try await kiosk.press("1")
        try await kiosk.waitFor("证照已打印好，请从出证口取走")
        try await kiosk.press("1")
        try await kiosk.waitFor("需要打印一张领取回执吗")
    }

    @Test func offlineIsShownAndTheCitizenIsServedAnyway() async throws {
        let copy = try KioskCopy()
        defer { copy.remove() }
        let token = Self.privateFile(copy.folder, "token", Data("t0ken\n".utf8))
        // Port 9 on loopback is closed: the platform is unreachable from the start.
        try copy.edit("Kiosk/kiosk.yaml", replacing: "demo:\n", with: """
            platform:
              url: http://127.0.0.1:9
              token-file: \(token)
              backoff-base-ms: 50
              backoff-cap-seconds: 1
            demo:

            """)
        let kiosk = try await KioskUnderTest(config: copy.config)
        try await kiosk.waitFor("离线")
        // A rating still goes through and is kept for later.
        try await kiosk.press("4")
        try await kiosk.press("1")
        try await kiosk.waitFor("感谢您的评价")
        let status = try kiosk.ctl("status")
        #expect(status.output.contains("platform  OFFLINE since"), "\(status.output)")
        #expect(status.output.contains("cannot be reached"))
        let json = try kiosk.ctl("status", "--json")
        #expect(json.output.contains(#""offline""#))

        try await kiosk.waitUntil("the rating waits to retry") {
            let queue = try JSONDecoder().decode(OutboxCounts.self, from: Data(try kiosk.ctl("queue", "--json").output.utf8))
            return queue.retry >= 1 && queue.delivered == 0
        }
        let table = try kiosk.ctl("queue")
        #expect(table.status == 0)
        #expect(table.output.contains("PENDING") && table.output.contains("OLDEST WAITING"))
        let list = try kiosk.ctl("queue", "list")
        #expect(list.output.contains("rating") && list.output.contains("cannot be reached"), "\(list.output)")
        let listJSON = try kiosk.ctl("queue", "list", "--json")
        #expect(listJSON.output.contains(#""type" : "rating""#))
        // flush gives up with exit 1 and says why when nothing can be delivered.
        let flush = try kiosk.ctl("queue", "flush", "--stall-seconds", "2")
        #expect(flush.status == 1)
        #expect(flush.error.contains("still waiting"))
        #expect(try kiosk.ctl("queue", "list", "--state", "nonsense").status == 1)

        // English texts say the same.
        try await kiosk.press("F2")
        try await kiosk.waitFor("Offline")
    }

    @Test func deadItemsAreListedExportedAndRetried() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-dead-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // A platform that never issued the demo's certificates: their collections are rejected.
        let platform = try await StandInProcess.start(in: folder)
        defer { platform.stop() }
        let copy = try KioskCopy()
        defer { copy.remove() }
        try copy.edit("Kiosk/kiosk.yaml", replacing: "demo:\n", with: """
            platform:
              url: \(platform.baseURL)
              token-file: \(platform.kioskTokenFile)
              backoff-base-ms: 50
              backoff-cap-seconds: 1
            demo:

            """)
        let kiosk = try await KioskUnderTest(config: copy.config)
        try await Self.collectWithIDCard(kiosk)
        try await kiosk.waitUntil("the collection is dead") {
            try kiosk.ctl("queue", "list", "--state", "dead").output.contains("unknown pickup")
        }
        #expect(try kiosk.ctl("status").output.contains("platform  online since"))

        let export = folder.appendingPathComponent("dead.jsonl").path
        let exported = try kiosk.ctl("queue", "export", export)
        #expect(exported.status == 0, "\(exported.error)")
        #expect(exported.output.contains("wrote 1 dead item(s)"))
        let attributes = try FileManager.default.attributesOfItem(atPath: export)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let line = try String(contentsOfFile: export, encoding: .utf8)
        #expect(line.contains(#""type":"collection""#) && line.contains("unknown pickup"))
        // Refuses to overwrite.
        #expect(try kiosk.ctl("queue", "export", export).status == 1)

        #expect(try kiosk.ctl("queue", "retry").status == 2)
        let retried = try kiosk.ctl("queue", "retry", "--all-dead", "--json")
        #expect(retried.status == 0)
        #expect(retried.output.contains(#""count" : 1"#))
        #expect(try kiosk.ctl("queue", "retry", "no-such-id").status == 1)
        // Still unknown to the platform: dead again, with the reason.
        try await kiosk.waitUntil("the collection is dead again") {
            try kiosk.ctl("queue", "list", "--state", "dead", "--json").output.contains("unknown pickup")
        }
    }

    @Test func sealedPersonalDataIsUnreadableOnDiskAndSealingCanBeRequired() async throws {
        let copy = try KioskCopy()
        defer { copy.remove() }
        var key = Data(count: 32)
        for index in key.indices { key[index] = UInt8.random(in: 0...255) }
        let keyFile = Self.privateFile(copy.folder, "sealing-key", key)
        try copy.edit("Kiosk/kiosk.yaml", replacing: "demo:\n", with: """
            sealing:
              required: true
              key-file: \(keyFile)
            demo:

            """)
        let kiosk = try await KioskUnderTest(config: copy.config)
        try await Self.collectWithIDCard(kiosk)
        try await kiosk.waitUntil("the collection is queued") { try kiosk.sql("SELECT count(*) FROM outbox_item WHERE type = 'collection'") == "1" }
        #expect(try kiosk.sql("SELECT payload_key_id IS NOT NULL FROM outbox_item WHERE type = 'collection'") == "1")
        for suffix in ["", "-wal"] {
            let bytes = (try? Data(contentsOf: URL(fileURLWithPath: kiosk.database + suffix))) ?? Data()
            #expect(bytes.range(of: Data("460100199001010027".utf8)) == nil, "the ID number is readable in kiosk.sqlite\(suffix)")
        }
        let export = copy.folder.appendingPathComponent("pending.jsonl").path
        #expect(try kiosk.ctl("queue", "export", "--state", "pending", export).status == 0)
        let exported = try String(contentsOfFile: export, encoding: .utf8)
        #expect(exported.contains("sealedWith") && !exported.contains("460100199001010027"))

        // Required and no key: kioskd does not start, and says where it looked.
        try FileManager.default.removeItem(atPath: keyFile)
        let state = copy.folder.appendingPathComponent("state-nokey")
        let refused = try run(binary("kioskd"), ["--demo", "--no-console", "--state", state.path, "--config", copy.config,
                                                 "--socket", state.appendingPathComponent("s").path])
        #expect(refused.status != 0)
        #expect(refused.error.contains("sealed at rest") && refused.error.contains(keyFile), "\(refused.error)")
        // A key file others may read is refused with the fix.
        _ = FileManager.default.createFile(atPath: keyFile, contents: key, attributes: [.posixPermissions: 0o644])
        let lax = try run(binary("kioskd"), ["--demo", "--no-console", "--state", state.path, "--config", copy.config,
                                             "--socket", state.appendingPathComponent("s").path])
        #expect(lax.status != 0)
        #expect(lax.error.contains("chmod 600"), "\(lax.error)")
    }
}
