import Foundation
import PrintingTestBed
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A hall operator helps a citizen through the real binaries: the demo kiosk in one tmux pane, and
/// `kioskctl remote attach` in a second pane of the same window, with a token made by
/// `kioskd operator-token`.
@Suite(.serialized) struct RemoteWindowEndToEndTests {
    /// An operators file with one technician, and that operator's token file.
    static func makeOperator(in folder: URL) throws -> (operators: String, token: String) {
        let token = folder.appendingPathComponent("operator-token").path
        let made = try run(binary("kioskd"), ["operator-token", "--name", "王芳", "--role", "technician", "--token-file", token])
        guard made.status == 0 else { throw HarnessError(description: "kioskd operator-token: \(made.error)") }
        let operators = folder.appendingPathComponent("operators.yaml").path
        try ("operators:\n" + made.output).write(toFile: operators, atomically: true, encoding: .utf8)
        let mode = try FileManager.default.attributesOfItem(atPath: token)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(!made.output.contains(try String(contentsOfFile: token, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)),
                "the operators entry holds only the token's hash")
        return (operators, token)
    }

    /// A demo kiosk serving the remote window in the top pane of a tmux window, and a technician's
    /// `kioskctl remote attach` in a pane of `operatorRows` below it. `folder` keeps their files.
    static func attendedKiosk(columns: Int, rows: Int, operatorRows: Int, folder: URL) async throws
        -> (kiosk: KioskUnderTest, kioskPane: String, operatorPane: String) {
        let (operators, token) = try makeOperator(in: folder)
        let port = try PrintingTestBed.freePort()
        let kiosk = try await KioskUnderTest(columns: columns, rows: rows,
                                             extraArguments: ["--remote-listen", "127.0.0.1:\(port)", "--remote-operators", operators])
        let attach = [binary("kioskctl"), "remote", "attach", "ws://127.0.0.1:\(port)", "--token-file", token]
            .map { "'\($0)'" }.joined(separator: " ")
        let split = try run("/usr/bin/env", ["tmux", "split-window", "-v", "-l", "\(operatorRows)", "-t", kiosk.name, attach])
        guard split.status == 0 else { throw HarnessError(description: "tmux split-window: \(split.error)") }
        return (kiosk, "\(kiosk.name).0", "\(kiosk.name).1")
    }

    @Test(.timeLimit(.minutes(3))) func anOperatorAttachesChatsAndTakesOverWithConsent() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("remote-e2e-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // One tmux window, 70 rows: the kiosk on top (30 rows), the operator below (39 rows).
        let (kiosk, kioskPane, operatorPane) = try await Self.attendedKiosk(columns: 100, rows: 70, operatorRows: 39, folder: folder)

        func pane(_ target: String) throws -> String { try run("/usr/bin/env", ["tmux", "capture-pane", "-p", "-t", target]).output }
        @discardableResult func waitFor(_ text: String, in target: String, timeout: TimeInterval = 20) async throws -> String {
            let deadline = Date().addingTimeInterval(timeout)
            var last = ""
            while Date() < deadline {
                last = try pane(target)
                if last.replacingOccurrences(of: " ", with: "").contains(text.replacingOccurrences(of: " ", with: "")) { return last }
                try await Task.sleep(for: .milliseconds(50))
            }
            let log = (try? String(contentsOf: kiosk.state.appendingPathComponent("kioskd.log"), encoding: .utf8)) ?? ""
            throw HarnessError(description: "waited \(timeout)s for \"\(text)\" in pane \(target); it shows:\n\(last)\nkioskd's log ends:\n\(log.suffix(3000))")
        }
        func keys(_ target: String, _ keys: String...) throws {
            for key in keys { _ = try run("/usr/bin/env", ["tmux", "send-keys", "-t", target, key]) }
        }
        func type(_ target: String, _ text: String) throws {
            _ = try run("/usr/bin/env", ["tmux", "send-keys", "-t", target, "-l", text])
            try keys(target, "Enter")
        }

        // The operator sees the kiosk's home screen and who they are.
        try await waitFor("政务服务自助终端", in: operatorPane)
        try await waitFor("HK-DEMO-01", in: operatorPane)

        // The citizen starts collecting a certificate, then presses Help: the operator is told.
        try keys(kioskPane, "1")
        try await waitFor("请把身份证平放在读卡区", in: kioskPane)
        try keys(kioskPane, "F1")
        try await waitFor("工作人员已经收到您的求助", in: kioskPane)
        try await waitFor("HELP at collect/identify", in: operatorPane)
        let listed = try kiosk.ctl("remote", "list")
        #expect(listed.output.contains("王芳") && listed.output.contains("Help waiting"), "\(listed.output)")
        try keys(kioskPane, "1")
        try await waitFor("请把身份证平放在读卡区", in: kioskPane)

        // Chat both ways.
        try type(operatorPane, "您好，我是王芳，请问需要什么帮助？")
        try await waitFor("您好，我是王芳", in: kioskPane)
        try keys(kioskPane, "F3")
        _ = try run("/usr/bin/env", ["tmux", "send-keys", "-t", kioskPane, "-l", "ok thanks"])
        try keys(kioskPane, "Enter")
        try await waitFor("citizen: ok thanks", in: operatorPane)

        // The operator's copy of the kiosk's screen is the kiosk's screen, row for row (the kiosk
        // pane has 30 rows; the operator's console lines start below them).
        func kioskRows(_ target: String) throws -> [String] { Array(try pane(target).split(separator: "\n", omittingEmptySubsequences: false).prefix(30).map(String.init)) }
        var same = false
        for _ in 0..<100 where !same {
            same = try kioskRows(operatorPane) == kioskRows(kioskPane)
            if !same { try await Task.sleep(for: .milliseconds(50)) }
        }
        let seen = (operator: try kioskRows(operatorPane), kiosk: try kioskRows(kioskPane))
        #expect(same, "operator:\n\(seen.operator.joined(separator: "\n"))\nkiosk:\n\(seen.kiosk.joined(separator: "\n"))")

        // The takeover waits for the citizen's yes on the kiosk.
        try type(operatorPane, "/takeover")
        try await waitFor("远程协助请求", in: kioskPane)
        try await waitFor("takeover: requested", in: operatorPane)
        try keys(kioskPane, "1")
        try await waitFor("工作人员王芳正在远程协助您", in: kioskPane)
        try await waitFor("takeover: granted (you)", in: operatorPane)

        // The operator completes a step for the citizen: the pickup code on the keypad.
        try type(operatorPane, "/key 1")
        try await waitFor("6 至 12 位数字", in: kioskPane)
        try type(operatorPane, "/drive")
        try await waitFor("DRIVING", in: operatorPane)
        _ = try run("/usr/bin/env", ["tmux", "send-keys", "-t", operatorPane, "-l", "12345678"])
        try keys(operatorPane, "Enter")
        try await waitFor("暂时没有可以领取的证照", in: kioskPane)

        // The citizen ends it with F12, and the operator sees why.
        try keys(kioskPane, "F12")
        try await waitFor("takeover ended (citizen)", in: operatorPane)
        let after = try pane(kioskPane)
        #expect(!after.contains("正在远程协助您"))
        #expect(try kiosk.isRunning())
        // Every step was audited into the outbox.
        let audits = try kiosk.sql("SELECT count(*) FROM outbox_item WHERE type = 'audit'")
        #expect((Int(audits) ?? 0) >= 3, "audit items: \(audits)")
    }

    @Test(.timeLimit(.minutes(2))) func watchPrintsAWaitingHelpAndListShowsTheWatcher() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("remote-watch-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (operators, token) = try Self.makeOperator(in: folder)
        let port = try PrintingTestBed.freePort()
        let kiosk = try await KioskUnderTest(extraArguments: ["--remote-listen", "127.0.0.1:\(port)", "--remote-operators", operators])
        // Help with nobody attached: queued for the platform, and waiting for an operator.
        try await kiosk.press("F1")
        try await kiosk.waitFor("已为您呼叫工作人员")
        try await kiosk.waitUntil("the assist request is queued") { try kiosk.outboxRows().contains("assist-request pending") }

        let output = folder.appendingPathComponent("watch.jsonl").path
        let watcher = "watch-\(kiosk.name)"
        let command = [binary("kioskctl"), "remote", "watch", "ws://127.0.0.1:\(port)", "--token-file", token, "--json"]
            .map { "'\($0)'" }.joined(separator: " ") + " > '\(output)'"
        #expect(try run("/usr/bin/env", ["tmux", "new-session", "-d", "-s", watcher, command]).status == 0)
        defer { _ = try? run("/usr/bin/env", ["tmux", "kill-session", "-t", watcher]) }
        func events() -> [[String: String]] {
            ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: String]
            }
        }
        try await kiosk.waitUntil("the watcher prints the waiting Help") { events().contains { $0["event"] == "help" } }
        let help = try #require(events().first { $0["event"] == "help" })
        #expect(help["kiosk"] == "HK-DEMO-01" && help["flow"] == "home" && help["language"] == "zh-Hans")
        #expect(events().first?["event"] == "attached")

        let listed = try kiosk.ctl("remote", "list", "--json")
        #expect(listed.status == 0)
        let remote = try #require(try JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [String: Any])
        #expect((remote["operators"] as? [[String: Any]])?.first?["name"] as? String == "王芳")
        #expect((remote["waitingHelp"] as? [String: Any])?["language"] as? String == "zh-Hans")
        #expect(remote["takeover"] as? String == "none")
        // The kiosk still counts the Help once: queued when nobody was there, not again on attach.
        #expect(try kiosk.outboxRows().filter { $0.hasPrefix("assist-request") }.count == 1)
    }
}
