import Foundation
import Testing
import TouchInput

/// The kiosk's own console reading a touch panel with libevdev, as on a kmscon console that passes
/// no touches on: `kioskctl console` under `umockdev-run`, with the panel described by
/// `Devices/fixtures/touch-panel.umockdev` and `.ioctl` and a citizen's taps replayed from
/// `touch-panel-collect.events` (a certificate by pickup code, with a ten-finger touch, a finger
/// that slides off its button, a touch outside the grid and 1,000 reports a second on the rating
/// screen).
@Suite(.serialized) struct TouchPanelEndToEndTests {
    static let fixtures = repositoryRoot.appendingPathComponent("Devices/fixtures").path

    @Test(.timeLimit(.minutes(3))) func aCertificateCollectedWithTapsReadFromTheTouchPanel() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: "/usr/bin/umockdev-run"), "umockdev-run is missing: run make deps")
        // The demo's own screen on top, 80×24, and the kiosk's console with the panel below it, 80×24.
        let kiosk = try await KioskUnderTest(columns: 80, rows: 49)
        // The panel is named by the calibration file, read with --touch auto as on a kiosk.
        let calibration = kiosk.state.appendingPathComponent("touch-calibration.yaml")
        try "device: /dev/input/event7\n".write(to: calibration, atomically: true, encoding: .utf8)
        let console = ["/usr/bin/umockdev-run",
                       "-d", "\(Self.fixtures)/touch-panel.umockdev",
                       "-i", "/dev/input/event7=\(Self.fixtures)/touch-panel.ioctl",
                       "-e", "/dev/input/event7=\(Self.fixtures)/touch-panel-collect.events",
                       "--", binary("kioskctl"), "console", "--socket", kiosk.socket, "--touch", "auto",
                       "--touch-calibration", calibration.path]
            .map { "'\($0)'" }.joined(separator: " ")
        let split = try run("/usr/bin/env", ["tmux", "split-window", "-v", "-l", "24", "-t", kiosk.name, console + "; sleep 600"])
        #expect(split.status == 0, "\(split.error)")
        let panelPane = "\(kiosk.name).1"

        try await kiosk.waitUntil("the console says which panel it reads", timeout: 20) {
            try kiosk.ctl("devices").output.contains("touch panel, console 1: Kiosk Fixture Touch Panel at /dev/input/event7")
        }
        // The recording's last tap is 完成 at 24 s: the visit is over and recorded by then.
        try await kiosk.waitUntil("the collection and the rating are queued", timeout: 60) {
            try kiosk.outboxRows() == ["collection pending", "rating pending"]
        }
        // 满意 (2), tapped once by the trembling finger; not what the ten fingers or the sliding
        // finger were on (非常不满意, 不满意).
        #expect(try kiosk.sql("SELECT json_extract(payload, '$.level') FROM outbox_item WHERE type = 'rating'") == "2")
        #expect(try kiosk.sql("SELECT state FROM pickup WHERE id = 'P-2026-000103'") == "collected")
        try await kiosk.waitUntil("both screens show the home screen again", timeout: 10) {
            try kiosk.screen(pane: panelPane).contains("您好！请选择要办理的事项")
                && kiosk.screen(pane: "\(kiosk.name).0").contains("您好！请选择要办理的事项")
        }
        #expect(try kiosk.isRunning())
    }

    @Test(.timeLimit(.minutes(1))) func aCalibrationFileWithNonsenseStopsTheConsoleWithItsProblems() async throws {
        let kiosk = try await KioskUnderTest(columns: 80, rows: 49)
        let file = kiosk.state.appendingPathComponent("touch-calibration.yaml")
        try "rotation: 45\nmargins: {left: 900}\n".write(to: file, atomically: true, encoding: .utf8)
        let console = [binary("kioskctl"), "console", "--socket", kiosk.socket, "--touch", "auto", "--touch-calibration", file.path]
            .map { "'\($0)'" }.joined(separator: " ")
        #expect(try run("/usr/bin/env", ["tmux", "split-window", "-v", "-l", "24", "-t", kiosk.name,
                                         console + "; echo \"exit $?\"; sleep 600"]).status == 0)
        var shown = ""
        for _ in 0..<200 {
            // Long lines wrap at 80 columns (a space at the break is lost): read the pane as one line, without spaces.
            shown = try kiosk.screen(pane: "\(kiosk.name).1").filter { $0 != "\n" && $0 != " " }
            if shown.contains("exit1") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(shown.contains("exit1"), "\(shown)")
        #expect(shown.contains("touch-calibration.yaml:1:rotation:mustbe0,90,180or270,not45"), "\(shown)")
        #expect(shown.contains("touch-calibration.yaml:2:margins.left:mustbebetween0and300,not900"), "\(shown)")
        #expect(try kiosk.isRunning())
        #expect(try kiosk.screen(pane: "\(kiosk.name).0").contains("政务服务自助终端"))
    }
}

extension TouchPanelEndToEndTests {
    /// `kioskctl console --calibrate` under umockdev: four touches on the corner targets of a panel
    /// mounted turned and inset (`touch-panel-calibrate.events` says how) write the file that undoes it.
    @Test(.timeLimit(.minutes(1))) func calibrateWritesWhatTheCornerTouchesSay() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("calibrate-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let written = folder.appendingPathComponent("touch-calibration.yaml")
        let session = "calibrate-\(UUID().uuidString.prefix(8))"
        let command = ["/usr/bin/umockdev-run",
                       "-d", "\(Self.fixtures)/touch-panel.umockdev",
                       "-i", "/dev/input/event7=\(Self.fixtures)/touch-panel.ioctl",
                       "-e", "/dev/input/event7=\(Self.fixtures)/touch-panel-calibrate.events",
                       "--", binary("kioskctl"), "console", "--calibrate", "--touch", "/dev/input/event7",
                       "--touch-calibration", written.path]
            .map { "'\($0)'" }.joined(separator: " ") + "; echo \"exit $?\"; sleep 600"
        #expect(try run("/usr/bin/env", ["tmux", "new-session", "-d", "-s", session, "-x", "80", "-y", "24", command]).status == 0)
        defer { _ = try? run("/usr/bin/env", ["tmux", "kill-session", "-t", session]) }
        var shown = ""
        var sawTarget = false
        for _ in 0..<200 {
            shown = try run("/usr/bin/env", ["tmux", "capture-pane", "-p", "-t", session]).output
            sawTarget = sawTarget || shown.contains("请用手指点一下屏幕上的 +")
            if shown.contains("exit ") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(sawTarget, "the calibration screen was never drawn")
        #expect(shown.contains("exit 0"), "\(shown)")
        let calibration = try TouchCalibration.load(from: written).get()
        #expect(calibration.swapAxes && calibration.invertX && !calibration.invertY)
        let margins = [calibration.margins.left, calibration.margins.top, calibration.margins.right, calibration.margins.bottom]
        for (found, truth) in zip(margins, [40, 25, 12, 60]) { #expect(abs(found - truth) <= 2, "\(margins)") }
    }
}
