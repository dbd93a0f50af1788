import Foundation
import KioskControl
import KioskDaemon
import Testing

/// A hall operator at a running demo kiosk: every kioskctl command in both output forms, pause,
/// reload, and the control socket's refusal of strangers.
@Suite(.serialized) struct OperatorEndToEndTests {
    @Test func everyCommandAnswersInTextAndJSON() async throws {
        let kiosk = try await KioskUnderTest()
        let status = try kiosk.ctl("status")
        #expect(status.status == 0 && status.output.contains("HK-DEMO-01") && status.output.contains("a4-printer"))
        let statusJSON = try JSONDecoder().decode(KioskStatus.self, from: Data(try kiosk.ctl("status", "--json").output.utf8))
        #expect(statusJSON.state == "idle" && statusJSON.devices.count == 5)

        let devices = try kiosk.ctl("devices")
        #expect(devices.status == 0)
        #expect(devices.output.split(separator: "\n").first?.hasPrefix("ID") == true)
        #expect(devices.output.contains("receipt-printer") && devices.output.contains("sim-printer"))
        let devicesJSON = try JSONSerialization.jsonObject(with: Data(try kiosk.ctl("devices", "--json").output.utf8)) as? [[String: Any]]
        #expect(devicesJSON?.count == 5)
        #expect(devicesJSON?.first?["counters"] != nil)

        let test = try kiosk.ctl("device", "test", "a4-printer")
        #expect(test.status == 0 && test.output.contains("a4-printer: online"))
        #expect(try kiosk.ctl("device", "test", "a4-printer", "--json").output.contains("\"ok\" : true"))
        #expect(try kiosk.ctl("device", "reset", "id-reader").status == 0)
        #expect(try kiosk.ctl("device", "reset", "id-reader", "--json").output.contains("\"message\" : \"id-reader: reset\""))
        #expect(try kiosk.ctl("reload", "--json").output.contains("\"ok\" : true"))
        let unknown = try kiosk.ctl("device", "test", "no-such-device")
        #expect(unknown.status == 1 && unknown.error.contains("this kiosk has: id-reader"))
        try kiosk.ctl("sim", "printer", "jam")
        let jammed = try kiosk.ctl("device", "test", "a4-printer")
        #expect(jammed.status == 1 && jammed.error.contains("media-jam"))
        try kiosk.ctl("sim", "printer", "recover")

        // `config check` reads files and needs no kioskd.
        let check = try run(binary("kioskctl"), ["config", "check", "Kiosk/kiosk.yaml"])
        #expect(check.status == 0 && check.output.contains("OK (6 flows"))
        let checkJSON = try run(binary("kioskctl"), ["config", "check", "--json", "Kiosk/kiosk.yaml"])
        #expect(checkJSON.output.contains("\"ok\" : \"true\""))
        let missing = try run(binary("kioskctl"), ["config", "check", "--json", "/nonexistent.yaml"])
        #expect(missing.status == 2 && missing.output.contains("\"problem\" : \"cannot be read\""))

        let version = try kiosk.ctl("version")
        #expect(version.output.contains("kioskctl \(KioskVersion.current)") && version.output.contains("kioskd   \(KioskVersion.current)"))
        #expect(try kiosk.ctl("version", "--json").output.contains("\"kioskd\" : \"\(KioskVersion.current)\""))

        let metrics = try kiosk.ctl("metrics")
        #expect(metrics.status == 0)
        #expect(metrics.output.contains("kiosk_device_up"))
        #expect(metrics.output.contains("kiosk_outbox_items"))
        #expect(try kiosk.ctl("metrics", "--json").output.contains("\"metrics\" : \"# HELP"))

        let completion = try run(binary("kioskctl"), ["--generate-completion-script", "bash"])
        #expect(completion.output.contains("kioskctl"))
    }

    @Test func pauseFinishesTheCitizenFirstThenShowsOutOfService() async throws {
        let kiosk = try await KioskUnderTest()
        try await kiosk.press("4")
        try await kiosk.waitFor("请您为本次服务评价")
        let paused = try kiosk.ctl("pause", "--json")
        #expect(paused.status == 0 && paused.output.contains("\"ok\" : true") && paused.output.contains("once the current citizen is done"))
        try await Task.sleep(for: .milliseconds(300))
        #expect(try kiosk.screen().contains("请您为本次服务评价"))
        try await kiosk.press("1")
        try await kiosk.waitFor("感谢您的评价")
        try await kiosk.press("1")
        let out = try await kiosk.waitFor("本机正在维护")
        #expect(out.contains("暂停服务"))
        #expect(try JSONDecoder().decode(KioskStatus.self, from: Data(try kiosk.ctl("status", "--json").output.utf8)).state == "paused")
        try await kiosk.press("1")
        try await Task.sleep(for: .milliseconds(300))
        #expect(try kiosk.screen().contains("本机正在维护"))
        try await kiosk.press("F2")
        try await kiosk.waitFor("Temporarily out of service")
        #expect(try kiosk.ctl("resume", "--json").output.contains("resumed"))
        try await kiosk.waitFor("Collect a certificate")
    }

    @Test func sighupReloadsTextsWithoutDroppingTheCitizen() async throws {
        let copy = try KioskCopy()
        defer { copy.remove() }
        let kiosk = try await KioskUnderTest(config: copy.config)
        try await kiosk.press("4")
        try await kiosk.waitFor("请您为本次服务评价")
        try copy.edit("Kiosk/locales/zh-Hans.yaml", replacing: "prompt: 请您为本次服务评价：", with: "prompt: 请为这次服务打分：")
        #expect(kill(try kiosk.pid(), SIGHUP) == 0)
        try await Task.sleep(for: .milliseconds(500))
        // The citizen keeps the screen they were reading, and can finish.
        #expect(try kiosk.screen().contains("请您为本次服务评价"))
        #expect(try kiosk.isRunning())
        try await kiosk.press("1")
        try await kiosk.waitFor("感谢您的评价")
        try await kiosk.press("1")
        try await kiosk.waitFor("您好！请选择要办理的事项")
        try await kiosk.press("4")
        try await kiosk.waitFor("请为这次服务打分")

        // A broken file is refused and the running texts stay.
        try copy.edit("Kiosk/flows/rate.yaml", replacing: "kind: rate", with: "kind: rating")
        let refused = try kiosk.ctl("reload")
        #expect(refused.status == 1 && refused.error.contains("rate.yaml:") && refused.error.contains("\"rating\" is not one of"))
        #expect(try kiosk.isRunning())
        try await kiosk.press("1")
        try await kiosk.waitFor("感谢您的评价")
    }

    @Test func theControlSocketRefusesPeersOutsideTheOperatorsGroup() async throws {
        let copy = try KioskCopy()
        defer { copy.remove() }
        // The operators' group here is `dialout`, which every Debian system has.
        try copy.edit("Kiosk/kiosk.yaml", replacing: "language: zh-Hans", with: "language: zh-Hans\ncontrol:\n  group: dialout")
        let kiosk = try await KioskUnderTest(config: copy.config)
        let dialout = try #require(getgrnam("dialout")).pointee.gr_gid
        let mode = try FileManager.default.attributesOfItem(atPath: kiosk.socket)[.posixPermissions] as? Int
        #expect(mode == 0o660)
        let group = try FileManager.default.attributesOfItem(atPath: kiosk.socket)[.groupOwnerAccountID] as? Int
        #expect(group == Int(dialout))
        func asNobody(groups: String) throws -> CommandResult {
            try run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", groups, binary("kioskctl"), "status", "--socket", kiosk.socket])
        }
        // The socket's mode keeps a stranger out…
        let stranger = try asNobody(groups: "--clear-groups")
        #expect(stranger.status == 3 && stranger.error.contains("Permission denied"))
        // …and were the mode loosened by mistake, kioskd itself refuses them.
        #expect(chmod(kiosk.socket, 0o666) == 0)
        let refused = try asNobody(groups: "--clear-groups")
        #expect(refused.status == 1 && refused.error.contains("permission denied: only root and members of the group dialout"))
        // A member of the group is served through the socket's proper mode.
        #expect(chmod(kiosk.socket, 0o660) == 0)
        let member = try asNobody(groups: "--groups=\(dialout)")
        #expect(member.status == 0 && member.output.contains("HK-DEMO-01"), "\(member.error)")
    }
}
