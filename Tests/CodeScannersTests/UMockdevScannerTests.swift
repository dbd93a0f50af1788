import Testing

/// The usb-hid driver through the real libusb against umockdev-described scanners whose
/// interrupt-IN transfers are replayed from Devices/fixtures (see docs/drivers/usb-scanner.md).
@Suite struct UMockdevScannerTests {
    static let keyboard = ["--device", "usb-keyboard-scanner.umockdev", "--mode", "keyboard", "--vendor", "0x0c2e", "--product", "0x0b61"]
    static let hidPOS = ["--device", "usb-hidpos-scanner.umockdev", "--mode", "hid-pos", "--vendor", "0x0c2e", "--product", "0x0b6a"]

    @Test func keyboardWedgeCodes() throws {
        let run = try ReplayRun.run(Self.keyboard + ["--ioctl", "keyboard-codes.ioctl"])
        #expect(run.lines.contains("started"))
        #expect(run.codes == ["123456", "RC-2012"])
        #expect(run.healths == ["online - none", "offline disconnected reset"])
        #expect(run.count("rejected") == 0 && run.count("dropped") == 0)
        #expect(run.lines.last == "stopped")
    }

    @Test func hidPOSCodesIncludingOneOverTwoReports() throws {
        let run = try ReplayRun.run(Self.hidPOS + ["--ioctl", "hidpos-codes.ioctl"])
        let alphabet = String(repeating: "ABCDEFGHIJKLMNOPQRSTUVWXYZ", count: 3)
        #expect(run.codes == ["https://hall.example.gov.cn/r/HN-2025-000123", alphabet])
        #expect(run.healths == ["online - none", "offline disconnected reset"])
    }

    @Test func keyboardUnplugMidScanDropsThePartialCodeAndReattaches() throws {
        let run = try ReplayRun.run(Self.keyboard + ["--ioctl", "keyboard-unplug.ioctl", "--replug-ioctl", "keyboard-replug.ioctl"])
        // "13579" was half typed when the scanner went: it never comes out.
        #expect(run.codes == ["246810", "97531"])
        #expect(run.healths == ["online - none", "offline disconnected reset", "online - none", "offline disconnected reset"])
        #expect(run.lines.contains("unplugged") && run.lines.contains("replugged"))
    }

    @Test func deviceManagerRestartsItAfterTheUnplug() throws {
        // As in kioskd: offline with action reset makes DeviceManager stop the driver and start it
        // again after its backoff; start waits for the scanner to come back and claims it.
        let run = try ReplayRun.run(Self.keyboard + ["--ioctl", "keyboard-unplug.ioctl", "--replug-ioctl", "keyboard-replug.ioctl",
                                                    "--manager", "yes"])
        #expect(run.codes == ["246810", "97531"])
        #expect(run.healths.filter { $0.hasPrefix("online") }.count == 2)
        #expect(run.healths.first == "online - none" && run.healths.last == "offline disconnected reset")
        #expect(!run.lines.contains("timeout"))
    }

    @Test func hidPOSUnplugMidCodeWhilePolling() throws {
        let run = try ReplayRun.run(Self.hidPOS + ["--ioctl", "hidpos-unplug.ioctl", "--replug-ioctl", "hidpos-replug.ioctl",
                                                  "--hotplug", "poll"])
        #expect(run.codes == ["777001", "777002"])
        #expect(run.healths == ["online - none", "offline disconnected reset", "online - none", "offline disconnected reset"])
    }

    @Test func serialNumberPicksTheUnit() throws {
        let right = try ReplayRun.run(Self.hidPOS + ["--ioctl", "hidpos-codes.ioctl", "--serial", "HP0001"])
        #expect(right.codes.count == 2)
        let wrong = try ReplayRun.run(Self.hidPOS + ["--ioctl", "hidpos-codes.ioctl", "--serial", "HP9999", "--arrival-wait-ms", "300"])
        #expect(wrong.lines.contains("start-failed disconnected"))
        #expect(wrong.codes.isEmpty)
    }

    @Test func busAndAddressPickTheUnit() throws {
        let right = try ReplayRun.run(Self.keyboard + ["--ioctl", "keyboard-codes.ioctl", "--bus", "1", "--address", "2"])
        #expect(right.codes == ["123456", "RC-2012"])
        let wrong = try ReplayRun.run(Self.keyboard + ["--ioctl", "keyboard-codes.ioctl", "--bus", "1", "--address", "9",
                                                      "--arrival-wait-ms", "300"])
        #expect(wrong.lines.contains("start-failed disconnected"))
    }

    @Test func wrongModelIsNotClaimed() throws {
        let run = try ReplayRun.run(["--device", "usb-keyboard-scanner.umockdev", "--mode", "keyboard", "--vendor", "0x0c2e",
                                     "--product", "0x0b6a", "--ioctl", "keyboard-codes.ioctl", "--arrival-wait-ms", "300"])
        #expect(run.lines.contains("start-failed disconnected"))
    }

    @Test func floodOverTheRateIsDroppedAndCountedWhileOnline() throws {
        let run = try ReplayRun.run(Self.keyboard + ["--ioctl", "keyboard-codes.ioctl", "--scans-per-second", "0.1", "--scan-burst", "1"])
        #expect(run.codes == ["123456"])
        #expect(run.count("dropped") == 1)
        // Dropping is no fault of the scanner: it stayed online until the replay unplugged it.
        #expect(run.healths == ["online - none", "offline disconnected reset"])
    }

    @Test func hidPOSReportsFromAKeyboardScannerAreRefusedNotCrashed() throws {
        // A model whose catalog says hid-pos but that types: every report is refused, typed.
        let run = try ReplayRun.run(["--device", "usb-keyboard-scanner.umockdev", "--mode", "hid-pos", "--vendor", "0x0c2e",
                                     "--product", "0x0b61", "--ioctl", "keyboard-codes.ioctl"])
        #expect(run.codes.isEmpty)
        #expect((run.count("rejected") ?? 0) > 0)
        #expect(run.lines.last == "stopped")
    }
}
