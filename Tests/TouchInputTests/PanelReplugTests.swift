import Foundation
import Testing

/// The console's panel reader (libevdev, the real one) against a umockdev testbed, in
/// `touch-panel-replay` under umockdev-wrapper: a panel pulled out while a finger is on it taps
/// nothing, is reported gone, and is read again as soon as it is plugged back.
@Suite struct PanelReplugTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Devices/fixtures").standardizedFileURL.path

    /// The replay program, built next to the test bundle (TouchInputTests depends on it).
    static func program() -> String {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("touch-panel-replay").path
    }

    @Test(.timeLimit(.minutes(1))) func aPanelPulledMidTouchTapsNothingAndIsReadAgainWhenBack() throws {
        let wrapper = "/usr/bin/umockdev-wrapper"
        try #require(FileManager.default.isExecutableFile(atPath: wrapper), "umockdev-wrapper is missing: run make deps")
        try #require(FileManager.default.isExecutableFile(atPath: Self.program()), "\(Self.program()) was not built")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: wrapper)
        process.arguments = [Self.program(),
                             "--device", "\(Self.fixtures)/touch-panel.umockdev", "--ioctl", "\(Self.fixtures)/touch-panel.ioctl",
                             "--events", "\(Self.fixtures)/touch-panel-pulled.events", "--unplug-after-ms", "1000",
                             "--replug-events", "\(Self.fixtures)/touch-panel-replugged.events"]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let lines = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .split(separator: "\n").map(String.init)
        process.waitUntilExit()
        let problems = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(lines) \(problems)")
        #expect(lines == [
            "state ready Kiosk Fixture Touch Panel",
            "unplug",
            "state searching",
            "replug",
            "state ready Kiosk Fixture Touch Panel",
            "touch 0.100 0.200 0.100 0.200",
        ], "\(problems)")
    }
}
