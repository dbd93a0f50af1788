import DeviceKit
import Foundation
import Testing

/// A serial line made of a pseudo-terminal: the test holds the device's end, and a link in a
/// temporary folder stands for the adapter's `/dev/serial/by-id/…` name, which goes when it is
/// unplugged.
private final class PseudoSerialLine {
    let folder: URL
    let linkPath: String
    private var device: Int32

    init() throws {
        var device: Int32 = -1
        var line: Int32 = -1
        var name = [CChar](repeating: 0, count: 256)
        guard openpty(&device, &line, &name, nil, nil) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        // Only the kiosk's side opens the line; the test keeps the device's end.
        Foundation.close(line)
        self.device = device
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("serial-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        linkPath = folder.appendingPathComponent("usb-test-if00").path
        try FileManager.default.createSymbolicLink(
            atPath: linkPath, withDestinationPath: String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    /// What the device sends.
    func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Foundation.write(device, $0.baseAddress, $0.count) }
    }

    /// What the device received, waiting up to `timeout` for `count` bytes.
    func received(count: Int, timeout: Duration = .seconds(2)) -> [UInt8] {
        var bytes: [UInt8] = []
        let deadline = ContinuousClock.now + timeout
        while bytes.count < count, ContinuousClock.now < deadline {
            var ready = pollfd(fd: device, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 50) > 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 256)
            let got = buffer.withUnsafeMutableBytes { Foundation.read(device, $0.baseAddress, $0.count) }
            if got > 0 { bytes += buffer.prefix(got) }
        }
        return bytes
    }

    /// The adapter leaves: its end closes and its name goes.
    func unplug() {
        if device >= 0 { Foundation.close(device) }
        device = -1
        try? FileManager.default.removeItem(atPath: linkPath)
    }

    deinit {
        unplug()
        try? FileManager.default.removeItem(at: folder)
    }
}

/// DeviceKit's serial port on a pseudo-terminal, as the serial drivers use it.
@Suite struct SerialPortTests {
    @Test func carriesBytesBothWaysAndTimesOutWhenTheDeviceIsSilent() async throws {
        let line = try PseudoSerialLine()
        let port = try await SerialPort.open(path: line.linkPath, baud: 115_200)
        // Raw bytes, no line discipline: a frame with CR, LF and 0x00 in it arrives as sent.
        let frame: [UInt8] = [0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x11, 0xFF, 0x0D, 0x0A, 0xED]
        try await port.write(frame, deadline: .now + .seconds(2))
        #expect(line.received(count: frame.count) == frame)
        line.send(frame.reversed())
        var answer: [UInt8] = []
        while answer.count < frame.count {
            answer += try await port.read(deadline: .now + .seconds(2))
        }
        #expect(answer == frame.reversed())
        // Nothing asked, nothing said: the deadline ends the wait with a typed error.
        let started = ContinuousClock.now
        do {
            _ = try port.readBlocking(deadline: .now + .milliseconds(100))
            Issue.record("read returned without data")
        } catch {
            #expect(error.code == .serialTimeout)
            #expect(error.action == .retry)
        }
        #expect(ContinuousClock.now - started >= .milliseconds(100))
        #expect(ContinuousClock.now - started < .seconds(2))
        port.close()
        port.close()
        #expect(port.isClosed)
        #expect(throws: DeviceError.self) { try port.readBlocking(deadline: .now + .milliseconds(10)) }
    }

    @Test func anUnpluggedLineIsDisconnectedNotATimeout() async throws {
        let line = try PseudoSerialLine()
        let port = try SerialPort.openBlocking(path: line.linkPath, baud: 115_200)
        line.unplug()
        do {
            _ = try port.readBlocking(deadline: .now + .seconds(5))
            Issue.record("read after unplug returned data")
        } catch {
            #expect(error.code == .serialDisconnected)
            #expect(error.action == .reset)
        }
        port.close()
        // The path is gone until the adapter is back.
        do {
            _ = try SerialPort.openBlocking(path: line.linkPath, baud: 115_200)
            Issue.record("opened a missing path")
        } catch {
            #expect(error.code == .serialNotPresent)
        }
    }

    @Test func refusesWhatIsNotASerialLine() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("serial-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("plain").path
        #expect(FileManager.default.createFile(atPath: file, contents: Data([1, 2, 3])))
        #expect(throws: DeviceError(code: .serialBaudUnsupported, action: .configuration,
                                    detail: "baud 12345 is not one of 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600")) {
            try SerialPort.openBlocking(path: file, baud: 12345)
        }
        do {
            _ = try SerialPort.openBlocking(path: file, baud: 9600)
            Issue.record("opened a plain file as a serial line")
        } catch {
            #expect(error.code == .serialNotATTY)
            #expect(error.action == .configuration)
        }
        #expect(SerialPort.lineTime(bytes: 1295, baud: 115_200) > .milliseconds(112))
        #expect(SerialPort.lineTime(bytes: 1295, baud: 115_200) < .milliseconds(113))
    }
}
