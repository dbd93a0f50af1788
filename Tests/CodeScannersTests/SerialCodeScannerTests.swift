import CodeScanners
import DeviceKit
import Foundation
import Synchronization
import Testing

// glibc declares these only under _XOPEN_SOURCE, which the Glibc module does not define.
@_silgen_name("posix_openpt") private func posixOpenpt(_ flags: Int32) -> Int32
@_silgen_name("grantpt") private func grantPT(_ fd: Int32) -> Int32
@_silgen_name("unlockpt") private func unlockPT(_ fd: Int32) -> Int32
@_silgen_name("ptsname_r") private func ptsnameR(_ fd: Int32, _ buffer: UnsafeMutablePointer<CChar>, _ size: Int) -> Int32

/// A scanner's end of a serial line: a pseudo-terminal whose slave appears at `link`, as a USB-serial
/// scanner's /dev/serial/by-id link does; closing it is pulling the cable.
private final class ScannerLine {
    let link: String
    private(set) var master: Int32 = -1
    private var keeper: Int32 = -1

    init(link: String) throws {
        self.link = link
        try plug()
    }

    func plug() throws {
        master = posixOpenpt(O_RDWR | O_NOCTTY | O_CLOEXEC)
        try #require(master >= 0 && grantPT(master) == 0 && unlockPT(master) == 0)
        var name = [CChar](repeating: 0, count: 128)
        try #require(ptsnameR(master, &name, name.count) == 0)
        let path = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        keeper = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC)
        try #require(keeper >= 0)
        var options = termios()
        tcgetattr(keeper, &options)
        cfmakeraw(&options)
        tcsetattr(keeper, TCSANOW, &options)
        unlink(link)
        try #require(symlink(path, link) == 0)
    }

    func unplug() {
        unlink(link)
        close(keeper)
        close(master)
        master = -1
    }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }
}

private final class Recorder: Sendable {
    private let events = Mutex<[DeviceEvent]>([])
    func sink() -> DeviceEventSink {
        DeviceEventSink(deviceID: "scanner", role: .codeScanner) { [self] event in events.withLock { $0.append(event) } }
    }
    var codes: [String] {
        events.withLock { $0 }.compactMap {
            if case .data(.codeScanned(let bytes)) = $0.body { String(decoding: bytes, as: UTF8.self) } else { nil }
        }
    }
    var health: [DeviceHealth] {
        events.withLock { $0 }.compactMap { if case .status(let status) = $0.body { status.health } else { nil } }
    }
    func wait(_ condition: (Recorder) -> Bool) async -> Bool {
        let end = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < end {
            if condition(self) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition(self)
    }
}

@Suite struct SerialCodeFramerTests {
    @Test(arguments: SerialCodeFramer.Terminator.allCases)
    func splitsCodesAtTheTerminator(terminator: SerialCodeFramer.Terminator) {
        var framer = SerialCodeFramer(terminator: terminator)
        let end = terminator.bytes
        var outputs = framer.feed(Array("ABC".utf8) + end + Array("12".utf8))
        #expect(outputs == [.code(Array("ABC".utf8))])
        outputs = framer.feed(Array("3".utf8) + end + end)
        #expect(outputs == [.code(Array("123".utf8))], "an empty code is skipped")
        #expect(framer.pendingCount == 0)
    }

    @Test func crlfNeedsBoth() {
        var framer = SerialCodeFramer(terminator: .crlf)
        #expect(framer.feed(Array("A\rB\r".utf8)).isEmpty)
        #expect(framer.feed([0x0A]) == [.code(Array("A\rB".utf8))])
    }

    @Test func overlongCodesAreDroppedWhole() {
        var framer = SerialCodeFramer(terminator: .lf, maximumLength: 8)
        #expect(framer.feed(Array("12345678\n".utf8)) == [.code(Array("12345678".utf8))])
        var outputs = framer.feed(Array(repeating: UInt8(ascii: "x"), count: 10_000))
        #expect(outputs.isEmpty)
        #expect(framer.pendingCount <= 8)
        outputs = framer.feed(Array("tail\nOK\n".utf8))
        #expect(outputs == [.overlong(10_004), .code(Array("OK".utf8))])
    }

    @Test func terminatorSettings() {
        #expect(SerialCodeFramer.Terminator(setting: "crlf") == .crlf)
        #expect(SerialCodeFramer.Terminator(setting: "TAB") == .tab)
        #expect(SerialCodeFramer.Terminator(setting: "NUL") == nil)
    }
}

@Suite struct SerialCodeScannerTests {
    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("serial-scanner-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func reportsEachTerminatedCodeAndSurvivesUnplug() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let line = try ScannerLine(link: folder.appendingPathComponent("ttyScanner").path)
        let scanner = SerialCodeScanner(id: "scanner", model: "generic-serial-scanner",
                                        settings: .init(path: line.link, terminator: .crlf, maximumLength: 64))
        let recorder = Recorder()
        try await scanner.start(sink: recorder.sink())
        #expect(await recorder.wait { $0.health.last == .online })

        line.send("https://gov.example/q?id=1\r\n")
        line.send("PICKUP-")
        try await Task.sleep(for: .milliseconds(150))
        line.send("4711\r\n")
        line.send(String(repeating: "9", count: 100) + "\r\n")
        line.send("AFTER\r\n")
        #expect(await recorder.wait { $0.codes.count == 3 })
        #expect(recorder.codes == ["https://gov.example/q?id=1", "PICKUP-4711", "AFTER"])
        #expect(scanner.droppedCodes == 1)

        line.unplug()
        #expect(await recorder.wait { $0.health.last?.state == .offline })
        #expect(recorder.health.last?.action == .reset)
        #expect(await scanner.selfTest().state == .offline)
        try line.plug()
        #expect(await recorder.wait { $0.health.last == .online })
        line.send("BACK\r\n")
        #expect(await recorder.wait { $0.codes.last == "BACK" })

        await scanner.stop()
        line.send("LATE\r\n")
        try await Task.sleep(for: .milliseconds(200))
        #expect(recorder.codes.last == "BACK", "nothing after stop")
        line.unplug()
    }

    @Test func factoryChecksItsKeys() throws {
        let entry = CatalogEntry(model: "generic-serial-scanner", name: "Serial scanner", category: .codeScanner,
                                 driver: .serial, serial: .init(baud: 9600), quirks: ["max-code-length": .number(512)])
        let factory = SerialScannerDriverFactory()
        #expect(factory.driver == .serial)
        let scanner = try #require(try factory.makeDevice(for: entry, id: "s", connection: DeviceConnection(["path": "/dev/ttyACM0", "terminator": "tab"])) as? SerialCodeScanner)
        #expect(scanner.settings == .init(path: "/dev/ttyACM0", baud: 9600, terminator: .tab, maximumLength: 512))
        let plain = try #require(try factory.makeDevice(for: entry, id: "s", connection: DeviceConnection(["path": "/dev/ttyACM0"])) as? SerialCodeScanner)
        #expect(plain.settings.terminator == .cr)
        for (settings, key) in [([String: String](), "connection.path"), (["path": "/dev/ttyACM0", "terminator": "NUL"], "connection.terminator"),
                                (["path": "relative"], "connection.path")] {
            do {
                _ = try factory.makeDevice(for: entry, id: "s", connection: DeviceConnection(settings))
                Issue.record("accepted \(settings)")
            } catch {
                #expect(error.action == .configuration)
                #expect(error.detail.contains(key))
            }
        }
        var noBaud = entry
        noBaud.serial = nil
        #expect(throws: DeviceError.self) { try factory.makeDevice(for: noBaud, id: "s", connection: DeviceConnection(["path": "/dev/ttyACM0"])) }
    }
}
