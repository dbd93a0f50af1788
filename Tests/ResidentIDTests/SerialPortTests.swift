import DeviceKit
import Foundation
import GA467Emulator
import ResidentID
import Testing

/// DeviceKit's serial port over the emulator's pseudo-terminal.
@Suite struct SerialPortTests {
    @Test func talksToTheEmulatorAndTimesOutWhenItIsSilent() async throws {
        let bench = try EmulatorBench(card: .residentID)
        defer { bench.emulator.unplug(); try? FileManager.default.removeItem(at: bench.folder) }
        let port = try await SerialPort.open(path: bench.linkPath, baud: 115_200)
        try await port.write(GA467Command.samStatus.encoded(), deadline: .now + .seconds(2))
        var decoder = GA467FrameDecoder()
        var frame: GA467Frame?
        while frame == nil {
            decoder.feed(try await port.read(deadline: .now + .seconds(2)))
            if case .frame(let decoded) = decoder.next() { frame = decoded }
        }
        #expect(try GA467Response(frame: #require(frame)).status == .success)
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
        let bench = try EmulatorBench(card: nil)
        defer { try? FileManager.default.removeItem(at: bench.folder) }
        let port = try SerialPort.openBlocking(path: bench.linkPath, baud: 115_200)
        bench.emulator.unplug()
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
            _ = try SerialPort.openBlocking(path: bench.linkPath, baud: 115_200)
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
