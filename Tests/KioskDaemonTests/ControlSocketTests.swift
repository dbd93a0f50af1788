import Application
import DeviceKit
import Foundation
import KioskControl
import KioskDaemon
import Testing

/// The control socket of a whole kiosk running in this process.
@Suite(.serialized) struct ControlSocketTests {
    @Test func statusHasDevicesAndQueueButNoPersonalData() async throws {
        let kiosk = try await RunningKiosk.start()
        let socket = kiosk.socket
        let response = try await onOwnThread {
            let client = try ControlClient(path: socket)
            // Put the card in front of the collection flow, so the session holds the identity.
            let console = try ControlClient(path: socket)
            try console.send(ControlRequest(command: .console, columns: 80, rows: 24))
            try console.send(ConsoleMessage(key: .text("1")))
            Thread.sleep(forTimeInterval: 0.2)
            guard try client.request(ControlRequest(command: .sim, action: .insertCard)).ok else { throw CancellationError() }
            Thread.sleep(forTimeInterval: 0.6)
            return try client.request(ControlRequest(command: .status))
        }
        let status = try #require(response.status)
        #expect(status.kioskID == "HK-DEMO-01")
        #expect(status.state == "serving")
        #expect(status.flow == "collect")
        #expect(status.devices.count == 5)
        #expect(status.outbox.pending == 0)
        let json = String(decoding: try JSONEncoder().encode(response), as: UTF8.self)
        #expect(!json.contains("460100199001010027") && !json.contains("测试样"))
        await kiosk.stop()
    }

    @Test func devicesReplyCarriesPaperAndSupplies() async throws {
        let kiosk = try await RunningKiosk.start()
        let socket = kiosk.socket
        let (reply, json) = try await onOwnThread {
            let client = try ControlClient(path: socket)
            guard try client.request(ControlRequest(command: .sim, action: .printer, printer: .paperLow, role: .receiptPrinter)).ok else {
                throw CancellationError()
            }
            let reply = try client.request(ControlRequest(command: .devices))
            return (reply, String(decoding: try JSONEncoder().encode(reply), as: UTF8.self))
        }
        let devices = try #require(reply.devices)
        let receipt = try #require(devices.first { $0.id == "receipt-printer" }?.details)
        #expect(receipt.media == DeviceDetails.Media(ready: ["iso_a4_210x297mm"], state: .low))
        #expect(receipt.stateReasons == ["media-low-warning"])
        #expect(receipt.supplies.map(\.name) == ["Black Toner"])
        #expect(receipt.supplies.first?.level != nil)
        let certificate = try #require(devices.first { $0.id == "a4-printer" }?.details)
        #expect(certificate.media?.state == .ready && certificate.stateReasons.isEmpty)
        // Devices without paper or supplies carry none; the older fields are all still there.
        #expect(devices.filter { $0.category != .printer }.allSatisfy { $0.details == nil })
        for key in ["\"details\"", "\"stateReasons\"", "\"supplies\"", "\"health\"", "\"counters\""] {
            #expect(json.contains(key), "\(key)")
        }
        await kiosk.stop()
    }

    @Test func badRequestsGetAClearErrorAndTheKioskKeepsServing() async throws {
        let kiosk = try await RunningKiosk.start()
        try await onOwnThread { try Self.badRequests(socket: kiosk.socket) }
        await kiosk.stop()
    }

    static func badRequests(socket: String) throws {
        let client = try ControlClient(path: socket)
        try client.send(RawLine("{not json"))
        let bad = try #require(try client.readLine())
        #expect(String(decoding: bad, as: UTF8.self).contains("not a valid request"))
        // Words the protocol does not know, as a script would write them by hand: the answer names them
        // and lists the words it knows.
        try client.send(["command": "reboot"])
        let unknown = try JSONDecoder().decode(ControlResponse.self, from: Data(try #require(try client.readLine())))
        #expect(!unknown.ok && unknown.error?.contains("unknown command \"reboot\"") == true)
        #expect(unknown.error?.contains("status") == true)
        try client.send(["command": "sim", "action": "printer", "printer": "explode"])
        let badSim = try JSONDecoder().decode(ControlResponse.self, from: Data(try #require(try client.readLine())))
        #expect(!badSim.ok && badSim.error?.contains("paper-out") == true)
        // A line of 10 MB without an end closes only that connection.
        let flooder = try ControlClient(path: socket)
        try? flooder.send(RawLine(String(repeating: "x", count: 10 * 1024 * 1024)))
        #expect(try flooder.readLine() == nil)
        #expect(try ControlClient(path: socket).request(ControlRequest(command: .status)).ok)
    }

    @Test func consoleGetsAFullFrameThenDiffsAndDrivesTheSession() async throws {
        let kiosk = try await RunningKiosk.start()
        let screen = kiosk.app.runtime.screen
        try await onOwnThread { try Self.console(socket: kiosk.socket, screen: screen) }
        await kiosk.stop()
    }

    static func console(socket: String, screen: ScreenHub) throws {
        let console = try ControlClient(path: socket)
        try console.send(ControlRequest(command: .console, columns: 80, rows: 24))
        let first = try #require(try console.readConsoleMessage()?.frame)
        #expect(first.contains("政务服务自助终端"))
        #expect(first.contains("\u{1B}[2J"))
        try console.send(ConsoleMessage(key: .function(2)))
        var english = ""
        while !english.contains("Government") { english += try #require(try console.readConsoleMessage()?.frame) }
        #expect(!english.contains("\u{1B}[2J"), "a change is sent as a diff, not a cleared screen")
        // A tap on the first option, as a touch screen sends it, chooses it.
        let frame = try #require(screen.currentFrame)
        let row = try #require((0..<frame.buffer.rows).first { frame.buffer.text(ofRow: $0).contains("Collect a certificate") })
        try console.send(ConsoleMessage(key: .tap(column: 10, row: row)))
        var identify = ""
        while !identify.contains("ID card") { identify += try #require(try console.readConsoleMessage()?.frame) }
        #expect(screen.currentFrame.map { $0.buffer.plainText.contains("Please place your ID card") } == true)
    }
}

/// Sends text as it is, for malformed requests.
struct RawLine: Encodable {
    let text: String
    init(_ text: String) { self.text = text }
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
