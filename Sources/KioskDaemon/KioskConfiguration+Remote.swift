import Foundation
import NIOCore
import YAMLData

/// The `remote:` section of kiosk.yaml: where the remote window listens for hall operators, who
/// they are, and the TLS certificate it presents. Absent: no listener. See docs/configuration.md.
public struct RemoteWindowConfiguration: Sendable, Equatable {
    /// An IP literal (`127.0.0.1`, `::1`, `0.0.0.0`, `192.168.1.20`) or `localhost`.
    public var host: String
    public var port: Int
    /// The operator directory (see docs/api/remote-window.md, "Operators").
    public var operatorsFile: String
    /// PEM certificate chain and private key; required unless `host` is loopback.
    public var tlsCertificate: String?
    public var tlsKey: String?
    /// The hall's CA (PEM): an operator may attach with a client certificate it issued, whose
    /// common name is their name in the operators file, instead of a token. Needs TLS.
    public var clientCA: String?

    public init(host: String, port: Int, operatorsFile: String, tlsCertificate: String? = nil, tlsKey: String? = nil,
                clientCA: String? = nil) {
        self.host = host
        self.port = port
        self.operatorsFile = operatorsFile
        self.tlsCertificate = tlsCertificate
        self.tlsKey = tlsKey
        self.clientCA = clientCA
    }

    static let fields: Set<String> = ["listen", "operators", "tls-certificate", "tls-key", "client-ca"]

    /// Whether the listener is on this machine's loopback only, where plain `ws://` is allowed.
    public var isLoopback: Bool { ListenAddress(host: host, port: port).isLoopback }

    public var usesTLS: Bool { tlsCertificate != nil && tlsKey != nil }

    static func read(_ node: DataNode, resolve: (String) -> URL) -> RemoteWindowConfiguration? {
        node.rejectUnknownKeys(fields)
        var host: String?
        var port = 0
        if let listen = node.required("listen"), let text = listen.nonEmptyString() {
            do {
                (host, port) = try Self.parseListen(text)
            } catch {
                listen.problem(error.description)
            }
        }
        let operators = node.required("operators")?.nonEmptyString().map { resolve($0).path }
        let certificate = node.optional("tls-certificate")?.nonEmptyString().map { resolve($0).path }
        let key = node.optional("tls-key")?.nonEmptyString().map { resolve($0).path }
        if (certificate == nil) != (key == nil) {
            node.problem("give both tls-certificate and tls-key, or neither")
        }
        let clientCANode = node.optional("client-ca")
        let clientCA = clientCANode?.nonEmptyString().map { resolve($0).path }
        if clientCA != nil, certificate == nil { clientCANode?.problem("client certificates need TLS: give tls-certificate and tls-key too") }
        guard let host, let operators else { return nil }
        let configuration = RemoteWindowConfiguration(host: host, port: port, operatorsFile: operators,
                                                      tlsCertificate: certificate, tlsKey: key, clientCA: clientCA)
        if !configuration.isLoopback && !configuration.usesTLS {
            node.problem(RemoteWindowServerError.tlsRequired(host).description)
        }
        return configuration
    }

    /// Splits `HOST:PORT` (`0.0.0.0:8443`, `[::1]:8443`, `localhost:8443`). Host names other than
    /// `localhost` are not resolved.
    public static func parseListen(_ text: String) throws(RemoteWindowServerError) -> (host: String, port: Int) {
        do {
            let address = try ListenAddress.parse(text)
            return (address.host, address.port)
        } catch {
            if case .notAnAddress(let host) = error { throw .badAddress(host) }
            throw .badAddress(text)
        }
    }

    /// The socket the remote window binds.
    var socketAddress: SocketAddress {
        get throws(RemoteWindowServerError) {
            guard let address = ListenAddress(host: host, port: port).socketAddress else { throw .badAddress(host) }
            return address
        }
    }
}

/// Why the remote window cannot start.
public enum RemoteWindowServerError: Error, Equatable, CustomStringConvertible {
    case badAddress(String)
    /// A listen address off loopback without a TLS certificate and key.
    case tlsRequired(String)
    case tls(String)
    case operators(String)

    public var description: String {
        switch self {
        case .badAddress(let text):
            "remote window address \"\(text)\" is not IP:PORT; use e.g. 0.0.0.0:8443, [::1]:8443 or 127.0.0.1:8443"
        case .tlsRequired(let host):
            "the remote window cannot listen on \(host) without TLS: set remote.tls-certificate and remote.tls-key (plain ws:// is allowed on loopback only)"
        case .tls(let detail):
            "the remote window's TLS certificate or key cannot be used: \(detail)"
        case .operators(let detail):
            "the remote window's operators file cannot be used: \(detail)"
        }
    }
}
