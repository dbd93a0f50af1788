import Foundation
import KioskControl
import KioskDaemon
import Testing

/// The daemon as an administrator meets it: configuration checks, signals, crashes.
@Suite(.serialized) struct DaemonEndToEndTests {
    @Test func controlKeysCannotStopTheKioskButSIGTERMDoesQuickly() async throws {
        let kiosk = try await KioskUnderTest()
        try await kiosk.press("1")
        try await kiosk.waitFor("请把身份证平放在读卡区")
        let before = try kiosk.screen()
        try await kiosk.press("C-c", "C-z", "C-\\")
        try await Task.sleep(for: .milliseconds(400))
        #expect(try kiosk.isRunning())
        #expect(try kiosk.screen() == before)
        try kiosk.ctl("sim", "insert-card")
        try await kiosk.waitFor("您有 2 份证照可以领取")
        let pid = try kiosk.pid()
        let began = ContinuousClock.now
        #expect(kill(pid, SIGTERM) == 0)
        while processIsAlive(pid) && ContinuousClock.now - began < .seconds(5) {
            try await Task.sleep(for: .milliseconds(20))
        }
        let took = ContinuousClock.now - began
        #expect(!processIsAlive(pid), "kioskd still running after SIGTERM")
        #expect(took < .seconds(2), "SIGTERM took \(took)")
        #expect(try kiosk.sql("PRAGMA integrity_check") == "ok")
    }

    @Test func aBadFlowFileIsListedByCheckConfigAndStopsStartup() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-bad-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("Kiosk"), to: folder.appendingPathComponent("Kiosk"))
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("Devices"), to: folder.appendingPathComponent("Devices"))
        let collect = folder.appendingPathComponent("Kiosk/flows/collect.yaml")
        let text = try String(contentsOf: collect, encoding: .utf8)
            .replacingOccurrences(of: "on: {found: choose,", with: "on: {found: chose,")
            .replacingOccurrences(of: "kind: offer-receipt", with: "kind: offer-reciept")
        try text.write(to: collect, atomically: true, encoding: .utf8)
        let config = folder.appendingPathComponent("Kiosk/kiosk.yaml").path

        let check = try run(binary("kioskd"), ["check-config", config])
        #expect(check.status == 2)
        let problems = check.error.split(separator: "\n").map(String.init).filter { $0.contains("collect.yaml:") }
        #expect(problems.count == 2, "\(check.error)")
        #expect(problems.contains { $0.hasSuffix("collect.yaml:13: steps.find.on.found: no step, flow, `end` or `return` named \"chose\"") })
        #expect(problems.contains { $0.contains("collect.yaml:26: steps.receipt.kind: \"offer-reciept\" is not one of:") })

        let start = try run(binary("kioskd"), ["--config", config, "--socket", folder.appendingPathComponent("s.sock").path])
        #expect(start.status == 2)
        for problem in problems { #expect(start.error.contains(problem)) }
    }

    @Test func checkConfigReadsTheConsolesTouchCalibrationBesideKioskYaml() throws {
        let copy = try KioskCopy()
        defer { try? FileManager.default.removeItem(at: copy.folder) }
        let calibration = copy.folder.appendingPathComponent("Kiosk/touch-calibration.yaml")
        try "swap-axes: false\nrotation: 90\nmargins: {left: 12, top: 0, right: 8, bottom: 30}\n"
            .write(to: calibration, atomically: true, encoding: .utf8)
        #expect(try run(binary("kioskd"), ["check-config", copy.config]).status == 0)
        try "rotation: 45\nmargins: {left: 900}\nbrightness: 3\n".write(to: calibration, atomically: true, encoding: .utf8)
        let check = try run(binary("kioskd"), ["check-config", copy.config])
        #expect(check.status == 2)
        #expect(check.error.contains("touch-calibration.yaml:1: rotation: must be 0, 90, 180 or 270, not 45"), "\(check.error)")
        #expect(check.error.contains("touch-calibration.yaml:2: margins.left: must be between 0 and 300, not 900"), "\(check.error)")
        #expect(check.error.contains("brightness"), "\(check.error)")
    }

    @Test func checkConfigPassesOnTheShippedConfiguration() throws {
        let check = try run(binary("kioskd"), ["check-config", "Kiosk/kiosk.yaml"])
        #expect(check.status == 0, "\(check.error)")
        #expect(check.output.contains("OK (6 flows, 3 services, 5 devices)"))
    }

    /// Ratings are written while kioskd is killed with SIGKILL at a random moment: every rating the
    /// daemon had reported as queued is still there, and the database is intact.
    @Test func killDashNineDuringWritesLosesNoCommittedItem() async throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-kill-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: state) }
        let socket = state.appendingPathComponent("k.sock").path
        let database = state.appendingPathComponent("kiosk.sqlite").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary("kioskd"))
        process.arguments = ["--demo", "--no-console", "--state", state.path, "--socket", socket]
        process.currentDirectoryURL = repositoryRoot
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        var status: ControlClient?
        let deadline = ContinuousClock.now + .seconds(10)
        while status == nil && ContinuousClock.now < deadline {
            status = try? ControlClient(path: socket)
            if status == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        guard let status else {
            Issue.record("kioskd did not open its socket")
            return
        }
        let console = try ControlClient(path: socket)
        try console.send(ControlRequest(command: .console, columns: 80, rows: 24))
        let drain = Thread { while (try? console.readConsoleMessage()) != nil {} }
        drain.start()

        let killAfter = Duration.milliseconds(Int.random(in: 600...1500))
        // The requests block, so they run on a thread of their own, not the tests' shared pool.
        let acknowledged = try await onOwnThread {
            let began = ContinuousClock.now
            var acknowledged = 0
            while ContinuousClock.now - began < killAfter {
                // Home → rating → "very satisfied" (queued) → done.
                for key in ["4", "1", "1"] { try console.send(ConsoleMessage(key: .text(key))) }
                if let pending = try status.request(ControlRequest(command: .status)).status?.outbox.pending {
                    acknowledged = max(acknowledged, pending)
                }
            }
            return acknowledged
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(acknowledged > 0, "no rating was queued before the kill")

        let integrity = try run("/usr/bin/env", ["sqlite3", database, "PRAGMA integrity_check"])
        #expect(integrity.output.trimmingCharacters(in: .whitespacesAndNewlines) == "ok")
        let count = try run("/usr/bin/env", ["sqlite3", database, "SELECT count(*) FROM outbox_item WHERE type = 'rating'"])
        let kept = Int(count.output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        #expect(kept >= acknowledged, "kioskd had reported \(acknowledged) queued ratings; \(kept) survived")
    }
}
