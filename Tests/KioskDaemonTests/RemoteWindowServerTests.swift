import DeviceKit
import Foundation
import KioskControl
import KioskDaemon
import Logging
import RemoteWindow
import ScreenModel
import TerminalUI
import Testing
import YAMLData
#if canImport(Glibc)
import Glibc
#endif

/// The remote window's listener over real sockets: an in-process demo kiosk, the server on
/// 127.0.0.1 port 0, and a small blocking WebSocket client of RFC 6455 on threads of its own.
@Suite struct RemoteWindowServerTests {
    static let assistant = OperatorDirectory.makeToken()
    static let observer = OperatorDirectory.makeToken()
    static let technician = OperatorDirectory.makeToken()

    /// A kiosk with its remote window listening.
    struct Remote {
        let kiosk: RunningKiosk
        let server: RemoteWindowServer
        let task: Task<Void, Error>
        let port: Int

        static func start() async throws -> Remote {
            let kiosk = try await RunningKiosk.start()
            let text = "operators:\n" + assistant.entry(name: "王芳", role: .assistant)
                + observer.entry(name: "Olga", role: .observer) + technician.entry(name: "李工", role: .technician)
            let directory = try OperatorDirectory.parse(text, path: "operators.yaml")
            var logger = Logger(label: "remote-test")
            logger.logLevel = .warning
            let (bound, continuation) = AsyncStream<Int>.makeStream()
            let server = try RemoteWindowServer(
                configuration: RemoteWindowConfiguration(host: "127.0.0.1", port: 0, operatorsFile: "operators.yaml"),
                directory: directory, runtime: kiosk.app.runtime, logger: logger,
                onBound: { continuation.yield($0) })
            let task = Task { try await server.run() }
            var ports = bound.makeAsyncIterator()
            guard let port = await ports.next() else { throw CancellationError() }
            return Remote(kiosk: kiosk, server: server, task: task, port: port)
        }

        func stop() async {
            task.cancel()
            _ = try? await task.value
            await kiosk.stop()
        }

        /// Runs `body` with a started kiosk and stops it afterwards, also when `body` throws.
        static func with(_ body: (Remote) async throws -> Void) async throws {
            let remote = try await start()
            do {
                try await body(remote)
            } catch {
                await remote.stop()
                throw error
            }
            await remote.stop()
        }

        /// The control socket still answers.
        func controlStatus() async throws -> KioskStatus? {
            let socket = kiosk.socket
            return try await onOwnThread { try ControlClient(path: socket).request(ControlRequest(command: .status)).status }
        }
    }

    @Test(.timeLimit(.minutes(2))) func noTokenOrAWrongOneIs401AndNoFrame() async throws {
        try await Remote.with { remote in
            let port = remote.port
            for authorization in [nil, "Bearer not-a-token", "Basic \(Self.assistant.token)", "Bearer \(Self.assistant.token)x"] {
                let bytes = try await onOwnThread { try WebSocketClient.rawUpgrade(port: port, authorization: authorization) }
                // Exactly one HTTP response and nothing after it: not a single WebSocket frame.
                let responses = try HTTPExchange.parse(bytes)
                #expect(responses.count == 1, "\(authorization ?? "none")")
                #expect(responses.first?.status == 401, "\(authorization ?? "none")")
                #expect(responses.first?.headers["www-authenticate"] == "Bearer")
            }
            #expect(remote.server.hub.attached.isEmpty)
            // A good token is upgraded.
            let client = try await onOwnThread { try WebSocketClient.connect(port: port, token: Self.observer.token) }
            defer { client.close() }
            #expect(try await remote.controlStatus() != nil)
        }
    }

    @Test(.timeLimit(.minutes(2))) func anOperatorWhoAttachesLaterSeesTheScreenAsItIsNow() async throws {
        try await Remote.with { remote in
            let runtime = remote.kiosk.app.runtime
            let home = try #require(runtime.screen.currentFrame).buffer
            // The screen changes while nobody is attached, so nothing is rendered for operators.
            runtime.send(.key(.text("1")))
            for _ in 0..<200 where await runtime.status().flow == "home" { try await Task.sleep(for: .milliseconds(20)) }
            try await Task.sleep(for: .milliseconds(100))
            let now = try #require(runtime.screen.currentFrame).buffer
            #expect(now != home)

            let port = remote.port
            let observer = try await onOwnThread { try WebSocketClient.connect(port: port, token: Self.observer.token) }
            defer { observer.close() }
            let first = try #require(try await onOwnThread { try observer.readMessage() }.json)
            #expect(first.name == "Remote.Frame" && first.payload["full"] as? Bool == true)
            let data = try #require((first.payload["data"] as? String).flatMap { Data(base64Encoded: $0) })
            var decoder = FrameDecoder(columns: now.columns, rows: now.rows)
            decoder.apply(Array(data))
            // No personal data is on this screen, so the masked copy reads as the citizen's.
            #expect(decoder.buffer.plainText == now.plainText)
        }
    }

    @Test(.timeLimit(.minutes(2))) func framesAreMaskedAndRolesAndConsentAreKept() async throws {
        try await Remote.with { remote in
            let runtime = remote.kiosk.app.runtime
            let simulator = try #require(runtime.simulator)
            _ = simulator.perform(.insertCard(SimulatedIdentities.residentID))
            // Wait until the kiosk has taken the card into a visit.
            for _ in 0..<200 where await runtime.status().state != "serving" { try await Task.sleep(for: .milliseconds(20)) }

            let port = remote.port
            let assistant = try await onOwnThread { try WebSocketClient.connect(port: port, token: Self.assistant.token) }
            defer { assistant.close() }
            let first = try await onOwnThread { try assistant.readMessage() }
            let frame = try #require(first.json)
            #expect(frame.name == "Remote.Frame" && frame.type == "unsolicited")
            #expect(frame.payload["full"] as? Bool == true)
            let data = try #require((frame.payload["data"] as? String).flatMap { Data(base64Encoded: $0) })
            #expect(!data.isEmpty)
            #expect(data.range(of: Data("460100199001010027".utf8)) == nil, "the ID number reached an operator")
            #expect(data.range(of: Data("测试样".utf8)) == nil, "the name reached an operator")
            #expect(!first.text.contains("460100199001010027") && !first.text.contains("测试样"))

            // An observer may not reset a device.
            let observer = try await onOwnThread { try WebSocketClient.connect(port: port, token: Self.observer.token) }
            defer { observer.close() }
            let reset = try await onOwnThread {
                try observer.send(#"{"header":{"name":"Device.Reset","requestId":5,"type":"command","version":"1.0"},"payload":{"device":"receipt-printer"}}"#)
                return try observer.completion(requestId: 5)
            }
            #expect(reset.payload["completionCode"] as? String == "commandErrorCode")
            #expect(reset.payload["errorCode"] as? String == "forbidden")

            // A technician may: the command completes when the kiosk has reset it.
            let technician = try await onOwnThread { try WebSocketClient.connect(port: port, token: Self.technician.token) }
            defer { technician.close() }
            let done = try await onOwnThread {
                try technician.send(#"{"header":{"name":"Device.Reset","requestId":1,"type":"command","version":"1.0"},"payload":{"device":"receipt-printer"}}"#)
                return try technician.completion(requestId: 1)
            }
            #expect(done.payload["completionCode"] as? String == "success")

            // Input before consent: sequenceError, and the kiosk's screen stays as it was.
            let before = runtime.screen.currentFrame
            let position = await runtime.status()
            let input = try await onOwnThread {
                try assistant.send(#"{"header":{"name":"Remote.Input","requestId":9,"type":"command","version":"1.0"},"payload":{"key":"F2"}}"#)
                return try assistant.completion(requestId: 9)
            }
            #expect(input.payload["completionCode"] as? String == "sequenceError")
            try await Task.sleep(for: .milliseconds(300))
            #expect(runtime.screen.currentFrame == before)
            let after = await runtime.status()
            #expect(after.flow == position.flow && after.step == position.step)

            // With the citizen's yes, the same key drives the kiosk.
            try await onOwnThread {
                try assistant.send(#"{"header":{"name":"Remote.RequestTakeover","requestId":10,"type":"command","version":"1.0"}}"#)
                _ = try assistant.readUntil { $0.json?.name == "Remote.TakeoverState" && $0.json?.payload["state"] as? String == "requested" }
            }
            remote.server.hub.citizenAnswered(granted: true)
            let takeover = try await onOwnThread { try assistant.completion(requestId: 10) }
            #expect(takeover.payload["completionCode"] as? String == "success")
            #expect(remote.server.hub.consent.holder?.operator.name == "王芳")
            let forwarded = try await onOwnThread {
                try assistant.send(#"{"header":{"name":"Remote.Input","requestId":11,"type":"command","version":"1.0"},"payload":{"key":"F2"}}"#)
                return try assistant.completion(requestId: 11)
            }
            #expect(forwarded.payload["completionCode"] as? String == "success")
            var changed = false
            for _ in 0..<100 where !changed {
                try await Task.sleep(for: .milliseconds(20))
                changed = runtime.screen.currentFrame != before
            }
            #expect(changed, "the granted operator's key reached the session")
            #expect(try await remote.controlStatus() != nil)
        }
    }

    @Test(.timeLimit(.minutes(2))) func aMisbehavingConnectionIsClosedAndTheKioskGoesOn() async throws {
        try await Remote.with { remote in
            let port = remote.port
            let token = Self.assistant.token

            // Not JSON: one error completion, then close 1008; a second connection keeps working.
            let bystander = try await onOwnThread { try WebSocketClient.connect(port: port, token: token) }
            defer { bystander.close() }
            let malformed = try await onOwnThread {
                let client = try WebSocketClient.connect(port: port, token: token)
                defer { client.close() }
                try client.send("{not json")
                return try client.readUntilClosed()
            }
            let error = try #require(malformed.compactMap(\.json).first { $0.type == "completion" })
            #expect(error.name == "Common.Error" && error.payload["completionCode"] as? String == "invalidData")
            #expect(malformed.last?.closeCode == 1008)
            let status = try await onOwnThread {
                try bystander.send(#"{"header":{"name":"Common.Status","requestId":1,"type":"command","version":"1.0"}}"#)
                return try bystander.completion(requestId: 1)
            }
            #expect(status.payload["completionCode"] as? String == "success")
            #expect(status.payload["kioskId"] as? String == remote.kiosk.app.configuration.kioskID)

            // 10 MB in one message: refused unread and closed.
            let huge = try await onOwnThread {
                let client = try WebSocketClient.connect(port: port, token: token)
                defer { client.close() }
                try? client.send(String(repeating: "a", count: 10 << 20))
                return try client.readUntilClosed()
            }
            #expect(huge.last?.isClosed == true)
            // The server closes with 1009 after an error completion; the client may instead see the
            // reset its unread megabytes cause, which loses them.
            if let code = huge.last?.closeCode {
                #expect(code == 1009)
                #expect(huge.compactMap(\.json).first { $0.type == "completion" }?.payload["completionCode"] as? String == "invalidData")
            }

            // A binary message: close 1003.
            let binary = try await onOwnThread {
                let client = try WebSocketClient.connect(port: port, token: token)
                defer { client.close() }
                try client.sendFrame(opcode: 0x2, payload: [1, 2, 3])
                return try client.readUntilClosed()
            }
            #expect(binary.last?.closeCode == 1003)

            // A flood: tooManyRequests, then close 1008.
            let flood = try await onOwnThread {
                let client = try WebSocketClient.connect(port: port, token: token)
                defer { client.close() }
                let one = #"{"header":{"name":"Common.Status","requestId":REQ,"type":"command","version":"1.0"}}"#
                var bytes: [UInt8] = []
                for request in 1...500 {
                    bytes += WebSocketClient.frame(opcode: 0x1, payload: Array(one.replacingOccurrences(of: "REQ", with: "\(request)").utf8))
                }
                try? client.sendRaw(bytes)
                return try client.readUntilClosed()
            }
            let refusal = flood.compactMap(\.json).first { $0.payload["errorCode"] as? String == "tooManyRequests" }
            #expect(refusal?.payload["completionCode"] as? String == "commandErrorCode")
            #expect(flood.last?.closeCode == 1008)

            // The bystander and the kiosk went on serving throughout.
            let again = try await onOwnThread {
                try bystander.send(#"{"header":{"name":"Common.Status","requestId":2,"type":"command","version":"1.0"}}"#)
                return try bystander.completion(requestId: 2)
            }
            #expect(again.payload["completionCode"] as? String == "success")
            #expect(try await remote.controlStatus() != nil)
            #expect(remote.server.hub.attached.count == 1)
        }
    }

    @Test func theRemoteSectionIsReadAndOffLoopbackNeedsTLS() throws {
        let any = try RemoteWindowConfiguration.parseListen("0.0.0.0:8443")
        #expect(any.host == "0.0.0.0" && any.port == 8443)
        let loopback = try RemoteWindowConfiguration.parseListen("[::1]:8443")
        #expect(loopback.host == "::1" && loopback.port == 8443)
        #expect(throws: RemoteWindowServerError.self) { try RemoteWindowConfiguration.parseListen("kiosk.example:8443") }
        #expect(RemoteWindowConfiguration(host: "127.0.0.1", port: 1, operatorsFile: "x").isLoopback)
        #expect(!RemoteWindowConfiguration(host: "0.0.0.0", port: 1, operatorsFile: "x").isLoopback)
        #expect(RemoteWindowServerError.tlsRequired("0.0.0.0").description.contains("tls-certificate"))
    }

    @Test func kioskYAMLsRemoteSectionIsCheckedWithTheRest() throws {
        let folder = try temporaryFolder("remote-config")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("kiosk.yaml").path
        let operators = folder.appendingPathComponent("operators.yaml").path
        let shipped = try String(contentsOfFile: shippedConfiguration, encoding: .utf8)
            .replacingOccurrences(of: "content: .", with: "content: \(repositoryRoot.path)/Kiosk")
            .replacingOccurrences(of: "catalog: ../Devices", with: "catalog: \(repositoryRoot.path)/Devices")
            .replacingOccurrences(of: "pickups: demo/pickups.yaml", with: "pickups: \(repositoryRoot.path)/Kiosk/demo/pickups.yaml")
        func write(_ remote: String) throws {
            try (shipped + "\n" + remote).write(toFile: path, atomically: true, encoding: .utf8)
        }
        try ("operators:\n" + Self.assistant.entry(name: "王芳", role: .assistant)).write(toFile: operators, atomically: true, encoding: .utf8)

        // Absent: no listener.
        try write("")
        #expect(try CheckedConfiguration.load(path: path).configuration.remote == nil)

        // Loopback without TLS is fine; the operators file is relative to kiosk.yaml.
        try write("remote:\n  listen: 127.0.0.1:8443\n  operators: operators.yaml\n")
        let remote = try #require(try CheckedConfiguration.load(path: path).configuration.remote)
        #expect(remote.host == "127.0.0.1" && remote.port == 8443 && remote.operatorsFile == operators && !remote.usesTLS)

        // Off loopback without TLS, half a TLS pair, an unknown key: refused, with the line.
        try write("remote:\n  listen: 0.0.0.0:8443\n  operators: operators.yaml\n  tls-key: key.pem\n  colour: red\n")
        var messages: [String] = []
        do { _ = try CheckedConfiguration.load(path: path) } catch { messages = error.problems.map(\.description) }
        #expect(messages.contains { $0.contains("remote") && $0.contains("without TLS") }, "\(messages)")
        #expect(messages.contains { $0.contains("give both tls-certificate and tls-key") }, "\(messages)")
        #expect(messages.contains { $0.contains("colour") }, "\(messages)")

        // A broken operators file is reported by the check, not found at the first connection.
        try "operators:\n  - name: x\n    role: janitor\n".write(toFile: operators, atomically: true, encoding: .utf8)
        try write("remote:\n  listen: 127.0.0.1:8443\n  operators: operators.yaml\n")
        #expect(throws: ConfigProblems.self) { try CheckedConfiguration.load(path: path) }

        // The server itself refuses an address off loopback without TLS, and unusable TLS files.
        let checked = try CheckedConfiguration.load(path: shippedConfiguration)
        _ = checked
        let directory = try OperatorDirectory.parse("operators:\n" + Self.assistant.entry(name: "王芳", role: .assistant), path: "o.yaml")
        let runtime = try KioskApp(checked: checked, options: Self.scratchOptions(folder), logger: Logger(label: "t")).runtime
        #expect(throws: RemoteWindowServerError.tlsRequired("0.0.0.0")) {
            try RemoteWindowServer(configuration: RemoteWindowConfiguration(host: "0.0.0.0", port: 8443, operatorsFile: ""),
                                   directory: directory, runtime: runtime, logger: Logger(label: "t"))
        }
        #expect(throws: RemoteWindowServerError.self) {
            try RemoteWindowServer(configuration: RemoteWindowConfiguration(host: "0.0.0.0", port: 8443, operatorsFile: "",
                                                                            tlsCertificate: "/nonexistent.pem", tlsKey: "/nonexistent.key"),
                                   directory: directory, runtime: runtime, logger: Logger(label: "t"))
        }
    }

    /// With a certificate and key the listener speaks TLS only: a plain upgrade gets no HTTP answer.
    /// Needs /usr/bin/openssl (`make deps` installs it) and fails without it.
    @Test(.timeLimit(.minutes(1)))
    func withACertificateTheListenerSpeaksTLSOnly() async throws {
        let folder = try temporaryFolder("remote-tls")
        defer { try? FileManager.default.removeItem(at: folder) }
        let certificate = folder.appendingPathComponent("cert.pem").path
        let key = folder.appendingPathComponent("key.pem").path
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"), "openssl is missing: run make deps")
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        openssl.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                             "-keyout", key, "-out", certificate, "-days", "1", "-subj", "/CN=kiosk"]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try await onOwnThread {
            try openssl.run()
            openssl.waitUntilExit()
        }
        try #require(openssl.terminationStatus == 0)

        let kiosk = try await RunningKiosk.start()
        let directory = try OperatorDirectory.parse("operators:\n" + Self.assistant.entry(name: "王芳", role: .assistant), path: "o.yaml")
        let (bound, continuation) = AsyncStream<Int>.makeStream()
        var logger = Logger(label: "remote-tls")
        logger.logLevel = .critical
        let server = try RemoteWindowServer(
            configuration: RemoteWindowConfiguration(host: "127.0.0.1", port: 0, operatorsFile: "", tlsCertificate: certificate, tlsKey: key),
            directory: directory, runtime: kiosk.app.runtime, logger: logger, onBound: { continuation.yield($0) })
        let task = Task { try await server.run() }
        var ports = bound.makeAsyncIterator()
        let port = try #require(await ports.next())
        let token = Self.assistant.token
        let answer = try await onOwnThread { try WebSocketClient.rawUpgrade(port: port, authorization: "Bearer \(token)") }
        #expect(!String(decoding: answer, as: UTF8.self).contains("HTTP/1.1"), "a plain-text request was answered in plain text")
        task.cancel()
        _ = try? await task.value
        await kiosk.stop()
    }

    static func scratchOptions(_ folder: URL) -> KioskApp.Options {
        var options = KioskApp.Options()
        // Many kiosks stop at once in the test process on a busy machine: a slow stop there is not
        // the hang kioskd's own budget guards against (the end-to-end tests keep that one).
        options.gracefulShutdown = .seconds(10)
        options.cancellation = .seconds(10)
        options.databasePath = folder.appendingPathComponent("kiosk.sqlite").path
        options.socketPath = folder.appendingPathComponent("k.sock").path
        return options
    }
}

/// One message as the client read it.
struct ReceivedMessage: Sendable {
    struct JSON: @unchecked Sendable {
        let name: String
        let requestId: Int
        let type: String
        let payload: [String: Any]
    }

    var text = ""
    /// The close frame's code, or nil for a text message (or a close without a code).
    var closeCode: UInt16?
    var isClosed = false

    var json: JSON? {
        guard !isClosed, let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let header = object["header"] as? [String: Any] else { return nil }
        return JSON(name: header["name"] as? String ?? "", requestId: header["requestId"] as? Int ?? -1,
                    type: header["type"] as? String ?? "", payload: object["payload"] as? [String: Any] ?? [:])
    }
}

/// A blocking RFC 6455 client for tests: masked frames out, unmasked frames in. Use it only on a
/// thread of its own (``onOwnThread``).
final class WebSocketClient: @unchecked Sendable {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let fd: Int32
    private var buffered: [UInt8] = []

    private init(fd: Int32) { self.fd = fd }

    static func openSocket(port: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            Glibc.close(fd)
            throw Failure(description: "connect: \(errno)")
        }
        return fd
    }

    static func upgradeRequest(authorization: String?) -> String {
        var request = "GET /remote HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        if let authorization { request += "Authorization: \(authorization)\r\n" }
        return request + "\r\n"
    }

    /// Sends an upgrade request and returns every byte until the server closes.
    static func rawUpgrade(port: Int, authorization: String?) throws -> [UInt8] {
        let client = WebSocketClient(fd: try openSocket(port: port))
        defer { client.close() }
        try client.sendRaw(Array(upgradeRequest(authorization: authorization).utf8))
        var all: [UInt8] = []
        while let chunk = try client.receive() { all += chunk }
        return all
    }

    /// Connects and upgrades with a bearer token; throws unless the answer is 101.
    static func connect(port: Int, token: String) throws -> WebSocketClient {
        let client = WebSocketClient(fd: try openSocket(port: port))
        do {
            try client.sendRaw(Array(upgradeRequest(authorization: "Bearer \(token)").utf8))
            let separator = Array("\r\n\r\n".utf8)
            while true {
                if let end = client.buffered.indices.first(where: { client.buffered[$0...].starts(with: separator) }) {
                    let head = String(decoding: client.buffered[..<end], as: UTF8.self)
                    client.buffered.removeFirst(end + separator.count)
                    guard head.hasPrefix("HTTP/1.1 101") else { throw Failure(description: "not upgraded: \(head)") }
                    return client
                }
                guard let chunk = try client.receive() else { throw Failure(description: "closed during the upgrade") }
                client.buffered += chunk
            }
        } catch {
            client.close()
            throw error
        }
    }

    func close() { Glibc.close(fd) }

    private func receive() throws -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count == 0 { return nil }
        guard count > 0 else {
            if errno == ECONNRESET { return nil }
            throw Failure(description: "recv: \(errno)")
        }
        return Array(buffer[..<count])
    }

    func sendRaw(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw Failure(description: "send: \(errno)") }
            offset += sent
        }
    }

    /// A client frame: FIN, the opcode, masked payload.
    static func frame(opcode: UInt8, payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = [0x80 | opcode]
        if payload.count < 126 {
            bytes.append(0x80 | UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            bytes += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            bytes.append(0x80 | 127)
            bytes += (0..<8).reversed().map { UInt8((UInt64(payload.count) >> (8 * UInt64($0))) & 0xFF) }
        }
        let mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        bytes += mask
        bytes += payload.enumerated().map { $0.element ^ mask[$0.offset & 3] }
        return bytes
    }

    func sendFrame(opcode: UInt8, payload: [UInt8]) throws { try sendRaw(Self.frame(opcode: opcode, payload: payload)) }

    func send(_ text: String) throws { try sendFrame(opcode: 0x1, payload: Array(text.utf8)) }

    private func need(_ count: Int) throws -> Bool {
        while buffered.count < count {
            guard let chunk = try receive() else { return false }
            buffered += chunk
        }
        return true
    }

    /// The next text message or close; a connection that ends without a close frame reads as closed.
    func readMessage() throws -> ReceivedMessage {
        while true {
            guard try need(2) else { return ReceivedMessage(isClosed: true) }
            let opcode = buffered[0] & 0x0F
            var length = Int(buffered[1] & 0x7F)
            var headerLength = 2
            if length == 126 {
                guard try need(4) else { return ReceivedMessage(isClosed: true) }
                length = Int(buffered[2]) << 8 | Int(buffered[3])
                headerLength = 4
            } else if length == 127 {
                guard try need(10) else { return ReceivedMessage(isClosed: true) }
                length = buffered[2..<10].reduce(0) { $0 << 8 | Int($1) }
                headerLength = 10
            }
            guard try need(headerLength + length) else { return ReceivedMessage(isClosed: true) }
            let payload = Array(buffered[headerLength..<(headerLength + length)])
            buffered.removeFirst(headerLength + length)
            switch opcode {
            case 0x1:
                return ReceivedMessage(text: String(decoding: payload, as: UTF8.self))
            case 0x8:
                let code = payload.count >= 2 ? UInt16(payload[0]) << 8 | UInt16(payload[1]) : nil
                return ReceivedMessage(closeCode: code, isClosed: true)
            default:
                continue
            }
        }
    }

    /// Messages until one matches (returned last).
    func readUntil(_ match: (ReceivedMessage) -> Bool) throws -> [ReceivedMessage] {
        var messages: [ReceivedMessage] = []
        while true {
            let message = try readMessage()
            messages.append(message)
            if match(message) { return messages }
            if message.isClosed { throw Failure(description: "closed before the expected message: \(messages.map(\.text))") }
        }
    }

    /// The completion of a command.
    func completion(requestId: Int) throws -> ReceivedMessage.JSON {
        let messages = try readUntil { $0.json?.type == "completion" && $0.json?.requestId == requestId }
        return messages.last!.json!
    }

    /// Every message until the server closes; the last one is the close.
    func readUntilClosed() throws -> [ReceivedMessage] {
        var messages: [ReceivedMessage] = []
        while true {
            let message = try readMessage()
            messages.append(message)
            if message.isClosed { return messages }
        }
    }
}
