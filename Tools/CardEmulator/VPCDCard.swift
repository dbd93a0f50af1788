import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A virtual card for vsmartcard's vpcd reader driver: a TCP client that connects to the port pcscd's
/// vpcd listens on and answers what it sends (DESIGN.md, "Test bed recipes"). Every message is a
/// two-byte big-endian length and a payload; a one-byte payload is a control message (00 power off,
/// 01 power on, 02 reset, 04 ATR, which is answered), anything longer a command APDU, answered with
/// the response APDU. Connected means the card lies on the reader; closing the socket takes it away.
///
/// The card runs on a thread of its own with blocking sockets; ``insert()``, ``pull()`` and
/// ``stop()`` may be called from anywhere. While inserted it reconnects by itself when pcscd goes
/// away and comes back.
public final class VPCDCard: Sendable {
    public enum TransmissionProtocol: Sendable { case t0, t1 }

    public let host: String
    public let port: UInt16
    public let atr: [UInt8]

    private struct State {
        var applet: PassportApplet
        var inserted = true
        var stopped = false
        var finished = false
        var socket: Int32 = -1
        /// Take the card away after this many more command APDUs (the last one is not answered).
        var pullAfterCommands: Int?
        var commandsAnswered = 0
        var connections = 0
    }

    private let state: Mutex<State>

    public init(host: String = "127.0.0.1", port: UInt16, passport: TestPassport,
                faults: PassportApplet.Faults = .init(), transmissionProtocol: TransmissionProtocol = .t1) {
        self.host = host
        self.port = port
        atr = Self.atr(for: transmissionProtocol)
        state = Mutex(State(applet: PassportApplet(passport: passport, faults: faults)))
    }

    /// An ATR naming the protocol: T=1 (TD1 = 80, TD2 = 01, with its TCK) or plain T=0.
    static func atr(for transmissionProtocol: TransmissionProtocol) -> [UInt8] {
        let historical = Array("KIOSKEMU".utf8)
        switch transmissionProtocol {
        case .t0:
            return [0x3B, 0x08] + historical
        case .t1:
            let body: [UInt8] = [0x88, 0x80, 0x01] + historical
            return [0x3B] + body + [body.reduce(0, ^)]
        }
    }

    // MARK: Controls

    /// Starts the card's thread; the card is inserted (connects to vpcd) at once.
    public func start() {
        let thread = Thread { [self] in run() }
        thread.name = "vpcd-card-\(port)"
        thread.start()
    }

    /// Puts the card (back) on the reader.
    public func insert() { state.withLock { $0.inserted = true } }

    /// Takes the card away: the connection to vpcd closes.
    public func pull() {
        state.withLock { state in
            state.inserted = false
            if state.socket >= 0 { shutdown(state.socket, Int32(SHUT_RDWR)) }
        }
    }

    /// Takes the card away in the middle of the `count`-th command from now, which gets no answer.
    public func pullAfter(commands count: Int) { state.withLock { $0.pullAfterCommands = count } }

    public func setFaults(_ faults: PassportApplet.Faults) { state.withLock { $0.applet.faults = faults } }

    public var commandsAnswered: Int { state.withLock { $0.commandsAnswered } }
    /// How many times the card connected to vpcd (insertions, including after pcscd restarts).
    public var connections: Int { state.withLock { $0.connections } }
    public var isConnected: Bool { state.withLock { $0.socket >= 0 } }
    /// Whether the card is meant to be on the reader (false after ``pull()`` or a pull fault).
    public var isInserted: Bool { state.withLock { $0.inserted } }

    /// Stops the thread and closes the connection; waits up to two seconds for the thread to end.
    public func stop() {
        pull()
        state.withLock { $0.stopped = true }
        for _ in 0..<200 where !state.withLock({ $0.finished }) { usleep(10_000) }
    }

    // MARK: The card's thread

    private func run() {
        while true {
            let (stopped, inserted) = state.withLock { ($0.stopped, $0.inserted) }
            if stopped { break }
            guard inserted else { usleep(10_000); continue }
            let socket = connectToReader()
            guard socket >= 0 else { usleep(50_000); continue }
            let keep = state.withLock { state -> Bool in
                guard state.inserted, !state.stopped else { return false }
                state.socket = socket
                state.connections += 1
                state.applet.reset()
                return true
            }
            if keep { serve(socket) }
            state.withLock { $0.socket = -1 }
            close(socket)
        }
        state.withLock { $0.finished = true }
    }

    private func serve(_ socket: Int32) {
        while let message = receiveMessage(socket) {
            if message.count == 1 {
                switch message[0] {
                case 0x00, 0x01, 0x02: state.withLock { $0.applet.reset() }
                case 0x04: guard sendMessage(socket, atr) else { return }
                default: break
                }
                continue
            }
            let answer = state.withLock { state -> [UInt8]? in
                if let remaining = state.pullAfterCommands {
                    guard remaining > 1 else {
                        state.pullAfterCommands = nil
                        state.inserted = false
                        return nil
                    }
                    state.pullAfterCommands = remaining - 1
                }
                state.commandsAnswered += 1
                return state.applet.process(message)
            }
            guard let answer, sendMessage(socket, answer) else { return }
        }
    }

    private func connectToReader() -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return -1 }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { close(fd); return -1 }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { close(fd); return -1 }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }

    private func receiveMessage(_ socket: Int32) -> [UInt8]? {
        guard let header = receive(socket, count: 2) else { return nil }
        let length = Int(header[0]) << 8 | Int(header[1])
        guard length > 0 else { return nil }
        return receive(socket, count: length)
    }

    private func receive(_ socket: Int32, count: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        var received = 0
        while received < count {
            let result = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress! + received, count - received, 0) }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else { return nil }
            received += result
            // vpcd writes the length and the APDU separately; with Nagle on its side each second
            // write waits for our ACK, which Linux delays by up to 40 ms. Quick ACKs avoid that
            // (the flag does not stick, so it is set after every read).
            var one: Int32 = 1
            setsockopt(socket, Int32(IPPROTO_TCP), TCP_QUICKACK, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        return buffer
    }

    private func sendMessage(_ socket: Int32, _ payload: [UInt8]) -> Bool {
        let message = [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)] + payload
        var sent = 0
        while sent < message.count {
            let result = message.withUnsafeBytes { send(socket, $0.baseAddress! + sent, message.count - sent, Int32(MSG_NOSIGNAL)) }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else { return false }
            sent += result
        }
        return true
    }
}
