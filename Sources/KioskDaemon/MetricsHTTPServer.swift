import Application
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// Why the metrics endpoint cannot listen where it was asked to.
public enum MetricsServerError: Error, Equatable, CustomStringConvertible {
    /// An address that is not on this machine's loopback interface.
    case notLoopback(String)
    /// Not an IP address (host names are not resolved, except `localhost`).
    case badAddress(String)
    case badPort(String)

    public var description: String {
        switch self {
        case .notLoopback(let host):
            "metrics cannot listen on \(host): only a loopback address (127.0.0.1 or ::1) is allowed, since metrics are for the local monitoring agent"
        case .badAddress(let text):
            "metrics address \"\(text)\" is not an IP address; use 127.0.0.1:PORT or [::1]:PORT"
        case .badPort(let text):
            "metrics port \"\(text)\" is not a port number (1–65535)"
        }
    }
}

/// A tiny HTTP/1.1 endpoint for the local monitoring agent: `GET /metrics` answers the kiosk's
/// metrics in the Prometheus text format; any other path is 404, any other method 405. It only
/// ever listens on loopback.
public struct MetricsHTTPServer: Service, Sendable {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"
    /// A connection that sends nothing for this long is closed.
    static let idleTimeout = TimeAmount.seconds(30)

    public let host: String
    public let port: Int
    let metrics: KioskMetrics
    let refresh: @Sendable () async -> Void
    let logger: Logger
    let onBound: (@Sendable (Int) -> Void)?

    /// - Parameters:
    ///   - host: `127.0.0.1` (any of 127.0.0.0/8), `::1` or `localhost`; anything else is refused by `run()`.
    ///   - port: the TCP port; 0 takes a free one, reported through `onBound`.
    ///   - refresh: called before every scrape, to bring gauges such as the outbox's up to date.
    ///   - onBound: told the port once the server listens.
    public init(host: String, port: Int, metrics: KioskMetrics, refresh: @escaping @Sendable () async -> Void,
                logger: Logger, onBound: (@Sendable (Int) -> Void)? = nil) {
        self.host = host
        self.port = port
        self.metrics = metrics
        self.refresh = refresh
        self.logger = logger
        self.onBound = onBound
    }

    /// Splits a `metrics.listen` value (`127.0.0.1:9464`, `[::1]:9464`, `localhost:9464`) into host
    /// and port, and checks the host is loopback, so a configuration check can refuse it early.
    public static func parseListen(_ text: String) throws(MetricsServerError) -> (host: String, port: Int) {
        let address: ListenAddress
        do {
            address = try ListenAddress.parse(text)
        } catch {
            switch error {
            case .notHostAndPort: throw .badAddress(text)
            case .badPort(let port): throw .badPort(port)
            case .notAnAddress(let host): throw .badAddress(host)
            }
        }
        _ = try loopbackAddress(address)
        return (address.host, address.port)
    }

    /// The socket address, if it is on loopback: metrics are for the local monitoring agent.
    static func loopbackAddress(_ address: ListenAddress) throws(MetricsServerError) -> SocketAddress {
        guard let socket = address.socketAddress else { throw .badAddress(address.host) }
        guard address.isLoopback else { throw .notLoopback(address.host) }
        return socket
    }

    public func run() async throws {
        let address: SocketAddress
        do {
            address = try Self.loopbackAddress(ListenAddress(host: host, port: port))
        } catch {
            logger.error("metrics endpoint refused", metadata: ["error": "\(error)"])
            throw error
        }
        let server: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
        do {
            server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.backlog, value: 16)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(to: address) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers(IdleStateHandler(readTimeout: Self.idleTimeout),
                                                                        CloseWhenIdle())
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                            wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            logger.error("metrics endpoint cannot listen", metadata: ["host": "\(host)", "port": "\(port)", "error": "\(error)"])
            throw error
        }
        let boundPort = server.channel.localAddress?.port ?? port
        logger.info("metrics endpoint listening", metadata: ["host": "\(host)", "port": "\(boundPort)"])
        onBound?(boundPort)
        try await Listener.acceptUntilShutdown(server) { await self.serve($0) }
        logger.info("metrics endpoint stopped")
    }

    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var request: HTTPRequestHead?
                for try await part in inbound {
                    switch part {
                    case .head(let head):
                        request = head
                    case .body:
                        continue
                    case .end:
                        guard let head = request else { continue }
                        request = nil
                        try await respond(to: head, outbound: outbound)
                        if !head.isKeepAlive { return }
                    }
                }
            }
        } catch is CancellationError {
        } catch {
            logger.debug("metrics connection closed", metadata: ["error": "\(error)"])
        }
    }

    private func respond(to head: HTTPRequestHead, outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>) async throws {
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        var headers = HTTPHeaders()
        let status: HTTPResponseStatus
        let body: String
        if path != "/metrics" {
            (status, body) = (.notFound, "not found: metrics are at /metrics\n")
            headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        } else if head.method != .GET {
            (status, body) = (.methodNotAllowed, "method not allowed: use GET\n")
            headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
            headers.add(name: "Allow", value: "GET")
        } else {
            await refresh()
            (status, body) = (.ok, metrics.render())
            headers.add(name: "Content-Type", value: Self.contentType)
        }
        let bytes = ByteBuffer(string: body)
        headers.add(name: "Content-Length", value: String(bytes.readableBytes))
        headers.add(name: "Connection", value: head.isKeepAlive ? "keep-alive" : "close")
        try await outbound.write(contentsOf: [
            .head(HTTPResponseHead(version: head.version, status: status, headers: headers)),
            .body(.byteBuffer(bytes)),
            .end(nil),
        ])
    }
}
