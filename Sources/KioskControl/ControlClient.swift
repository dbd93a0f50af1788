import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A blocking client of the control socket, for `kioskctl` and tests: short requests need no
/// event loop, and a console uses two threads (screen in, keys out).
public final class ControlClient: @unchecked Sendable {
    public enum Failure: Error, CustomStringConvertible {
        case cannotConnect(path: String, reason: String)
        case closed
        case badAnswer(String)

        public var description: String {
            switch self {
            case .cannotConnect(let path, let reason):
                "cannot reach kioskd at \(path): \(reason). Is kioskd running? Set the socket with --socket or \(ControlSocket.environmentVariable)."
            case .closed: "kioskd closed the connection"
            case .badAnswer(let text): "kioskd sent something unexpected: \(text.prefix(200))"
            }
        }
    }

    private let descriptor: Int32
    private var pending: [UInt8] = []
    // Writes come from one thread and reads from another in a console; each side has its own lock.
    private let writeLock = NSLock()

    public init(path: String) throws(Failure) {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw .cannotConnect(path: path, reason: String(cString: strerror(errno))) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw .cannotConnect(path: path, reason: "the path is too long for a Unix socket")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw .cannotConnect(path: path, reason: reason)
        }
        descriptor = fd
    }

    deinit { close(descriptor) }

    /// Sends one request and waits for its answer.
    public func request(_ request: ControlRequest) throws -> ControlResponse {
        try send(request)
        guard let line = try readLine() else { throw Failure.closed }
        do { return try JSONDecoder().decode(ControlResponse.self, from: Data(line)) } catch {
            throw Failure.badAnswer(String(decoding: line, as: UTF8.self))
        }
    }

    public func send(_ value: some Encodable) throws {
        var data = try JSONEncoder().encode(value)
        data.append(UInt8(ascii: "\n"))
        writeLock.lock()
        defer { writeLock.unlock() }
        try data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                // MSG_NOSIGNAL: a daemon that hung up is an error to report, not a SIGPIPE to die of.
                let written = Glibc.send(descriptor, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if written < 0 {
                    if errno == EINTR { continue }
                    throw Failure.closed
                }
                offset += written
            }
        }
    }

    /// The next line from the daemon, or nil when it closed the connection. Only one thread reads.
    public func readLine() throws -> [UInt8]? {
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(pending[..<newline])
                pending.removeFirst(newline + 1)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = read(descriptor, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return nil }
            pending += chunk[..<count]
        }
    }

    /// Reads console messages until the daemon closes the connection.
    public func readConsoleMessage() throws -> ConsoleMessage? {
        guard let line = try readLine() else { return nil }
        return try JSONDecoder().decode(ConsoleMessage.self, from: Data(line))
    }

    /// Ends the connection, waking a thread blocked reading it.
    public func shutdownConnection() {
        shutdown(descriptor, Int32(SHUT_RDWR))
    }
}
