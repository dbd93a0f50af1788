import NIOCore

/// A `HOST:PORT` to listen on, as kiosk.yaml and kioskd's options write it (`0.0.0.0:8443`,
/// `[::1]:8443`, `localhost:8443`): the remote window's and the metrics endpoint's. The host is an
/// IP literal or `localhost`; names are never resolved, so `/etc/hosts` cannot move a listener.
struct ListenAddress: Sendable, Equatable {
    enum Problem: Error, Equatable {
        /// Not `HOST:PORT` (an IPv6 address needs brackets before its port).
        case notHostAndPort
        case badPort(String)
        /// The host is not an IP literal or `localhost`.
        case notAnAddress(host: String)
    }

    /// Without brackets.
    let host: String
    let port: Int

    static func parse(_ text: String) throws(Problem) -> ListenAddress {
        guard let colon = text.lastIndex(of: ":") else { throw .notHostAndPort }
        var host = String(text[..<colon])
        let portText = String(text[text.index(after: colon)...])
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            throw .notHostAndPort
        }
        guard let port = Int(portText), (1...65535).contains(port) else { throw .badPort(portText) }
        let address = ListenAddress(host: host, port: port)
        guard address.socketAddress != nil else { throw .notAnAddress(host: host) }
        return address
    }

    /// The socket to bind; nil when the host is not an IP literal or `localhost`.
    var socketAddress: SocketAddress? {
        try? SocketAddress(ipAddress: host == "localhost" ? "127.0.0.1" : host, port: port)
    }

    /// Whether it is on this machine's loopback interface (127.0.0.0/8 or ::1).
    var isLoopback: Bool {
        switch socketAddress {
        case .v4(let v4)?:
            UInt32(bigEndian: v4.address.sin_addr.s_addr) >> 24 == 127
        case .v6(let v6)?:
            withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) } == Array(repeating: 0, count: 15) + [1]
        default:
            false
        }
    }
}
