/// Where the CUPS scheduler listens: the system's default (`cupsServer()`, i.e. `CUPS_SERVER` or
/// client.conf), a host and port, or a Unix socket path. Tests point each printer at a private cupsd.
public enum CUPSServer: Sendable, Equatable, CustomStringConvertible {
    case systemDefault
    case tcp(host: String, port: Int)
    case socket(path: String)

    /// Parses `host:port`, `[v6]:port` or an absolute socket path; nil when it is neither.
    public init?(parsing text: String) {
        if text.hasPrefix("/") {
            guard !text.contains("\0"), text.utf8.count < 108 else { return nil }  // sun_path holds 108 bytes
            self = .socket(path: text)
            return
        }
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let port = Int(portText), (1...65535).contains(port), !host.isEmpty,
              host.allSatisfy({ $0.isLetter || $0.isNumber || "-._:".contains($0) }) else { return nil }
        self = .tcp(host: host, port: port)
    }

    public var description: String {
        switch self {
        case .systemDefault: "the default CUPS server"
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .socket(let path): path
        }
    }
}
