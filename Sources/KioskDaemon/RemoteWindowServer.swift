import Application
import DeviceKit
import Flows
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket
import Outbox
import RemoteWindow
import ScreenModel
import ServiceLifecycle
import Synchronization

/// The remote window's listener (docs/api/remote-window.md): HTTP/1.1 upgraded to WebSocket, over
/// TLS unless on loopback. The bearer token is checked in the upgrade, so a connection without a
/// valid one gets HTTP 401 and never a frame. Every connection's messages and the kiosk's screens
/// go through one ``RemoteWindowHub``, which owns the protocol's ``RemoteHub``.
public struct RemoteWindowServer: Service, Sendable {
    public let host: String
    public let port: Int
    /// Where it binds: `host` and `port`, checked when the server is built.
    private let address: SocketAddress
    let directory: OperatorDirectory
    let tls: NIOSSLContext?
    let runtime: KioskRuntime
    public let hub: RemoteWindowHub
    let logger: Logger
    let onBound: (@Sendable (Int) -> Void)?
    /// The remote window's own thread, niced below the rest of kioskd: fifty operators' sockets must
    /// not slow the citizen's own screen (on a two-core kiosk they would share its cores).
    static let eventLoops: MultiThreadedEventLoopGroup = {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        _ = try? group.next().submit {
            // On Linux the nice value belongs to the thread: 0 is the calling one (setpriority(2), "Bugs").
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
        }.wait()
        return group
    }()

    /// A connection's HTTP request must arrive within this.
    static let upgradeTimeout = TimeAmount.seconds(10)

    enum Accepted: Sendable {
        case websocket(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>, Operator)
        case refused(NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>)
    }

    /// Loads the operators and the certificate. Throws, with a message for the administrator, when
    /// the address is off loopback without TLS or a file cannot be used.
    public init(configuration: RemoteWindowConfiguration, runtime: KioskRuntime, logger: Logger,
                onBound: (@Sendable (Int) -> Void)? = nil) throws {
        let directory: OperatorDirectory
        do { directory = try OperatorDirectory.load(path: configuration.operatorsFile) } catch {
            throw RemoteWindowServerError.operators("\(error)")
        }
        try self.init(configuration: configuration, directory: directory, runtime: runtime, logger: logger, onBound: onBound)
    }

    public init(configuration: RemoteWindowConfiguration, directory: OperatorDirectory, runtime: KioskRuntime,
                logger: Logger, onBound: (@Sendable (Int) -> Void)? = nil) throws {
        address = try configuration.socketAddress
        if let certificate = configuration.tlsCertificate, let key = configuration.tlsKey {
            do {
                let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
                var tlsConfiguration = TLSConfiguration.makeServerConfiguration(
                    certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
                if let clientCA = configuration.clientCA {
                    // A certificate presented must chain to the hall's CA; none at all leaves the token.
                    tlsConfiguration.certificateVerification = .optionalVerification
                    tlsConfiguration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(clientCA))
                }
                tls = try NIOSSLContext(configuration: tlsConfiguration)
            } catch {
                throw RemoteWindowServerError.tls("\(error)")
            }
        } else {
            guard configuration.isLoopback else { throw RemoteWindowServerError.tlsRequired(configuration.host) }
            tls = nil
        }
        host = configuration.host
        port = configuration.port
        self.directory = directory
        self.runtime = runtime
        self.logger = logger
        self.onBound = onBound
        hub = RemoteWindowHub(kiosk: runtime, kioskID: runtime.settings.kioskID, logger: logger)
        runtime.attach(hub)
    }

    public func run() async throws {
        let address = address
        let directory = directory
        let tls = tls
        let server: NIOAsyncChannel<EventLoopFuture<Accepted>, Never>
        do {
            server = try await ServerBootstrap(group: Self.eventLoops)
                .serverChannelOption(.backlog, value: 32)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(to: address) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                        let upgrader = NIOTypedWebSocketServerUpgrader<Accepted>(
                            maxFrameSize: MessageCodec.defaultMaxMessageBytes,
                            enableAutomaticErrorHandling: false,
                            shouldUpgrade: { channel, head in
                                let person = Self.authenticate(channel, head, directory: directory)
                                return channel.eventLoop.makeSucceededFuture(person == nil ? nil : HTTPHeaders())
                            },
                            upgradePipelineHandler: { channel, head in
                                channel.eventLoop.makeCompletedFuture {
                                    guard let person = Self.authenticate(channel, head, directory: directory) else {
                                        throw RemoteWindowServerError.operators("authentication changed during the upgrade")
                                    }
                                    try channel.pipeline.syncOperations.addHandler(NIOWebSocketFrameAggregator(
                                        minNonFinalFragmentSize: 1, maxAccumulatedFrameCount: 1024,
                                        maxAccumulatedFrameSize: MessageCodec.defaultMaxMessageBytes))
                                    return .websocket(try NIOAsyncChannel(wrappingChannelSynchronously: channel), person)
                                }
                            })
                        let configuration = NIOTypedHTTPServerUpgradeConfiguration<Accepted>(
                            upgraders: [upgrader],
                            notUpgradingCompletionHandler: { channel in
                                channel.eventLoop.makeCompletedFuture {
                                    .refused(try NIOAsyncChannel(wrappingChannelSynchronously: channel))
                                }
                            })
                        return try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(
                            configuration: .init(upgradeConfiguration: configuration))
                    }
                }
        } catch {
            logger.error("the remote window cannot listen", metadata: ["host": "\(host)", "port": "\(port)", "error": "\(error)"])
            throw error
        }
        let boundPort = server.channel.localAddress?.port ?? port
        logger.info("remote window listening", metadata: ["host": "\(host)", "port": "\(boundPort)", "tls": "\(tls != nil)"])
        onBound?(boundPort)
        try await Listener.acceptUntilShutdown(server, alongside: { await hub.followScreen() }) { await self.serve($0) }
        hub.closeAll()
        logger.info("remote window stopped")
    }

    /// The operator of an upgrade request: by bearer token, else by the client certificate the TLS
    /// handshake validated against the hall's CA (its common name is the operator's name).
    static func authenticate(_ channel: Channel, _ head: HTTPRequestHead, directory: OperatorDirectory) -> Operator? {
        if let person = directory.authenticate(authorization: head.headers.first(name: "Authorization")) { return person }
        guard let handler = try? channel.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self),
              let certificate = handler.peerCertificate,
              let name = certificate.subjectName.first(where: { $0.type == .commonName })?.value else { return nil }
        return directory.authenticate(certificateCommonName: name)
    }

    private func serve(_ accepted: EventLoopFuture<Accepted>) async {
        do {
            switch try await accepted.get() {
            case .websocket(let channel, let person):
                await hub.serve(channel, operator: person)
            case .refused(let channel):
                try await refuse(channel)
            }
        } catch is CancellationError {
        } catch {
            logger.debug("remote window connection ended", metadata: ["error": "\(error)"])
        }
    }

    /// Answers a request that was not upgraded: 401 when it asked for the upgrade (the upgrader
    /// consumed its head: only a missing or wrong token, or a broken handshake, gets here), else 401
    /// without a valid token and 426 with one. Then the connection closes.
    private func refuse(_ channel: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async throws {
        try await channel.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var ended = false
            for try await part in inbound {
                if case .head(let request) = part { head = request }
                if case .end = part {
                    ended = true
                    break
                }
            }
            guard ended else { return }
            let authenticated = head.map { directory.authenticate(authorization: $0.headers.first(name: "Authorization")) != nil } ?? false
            var headers = HTTPHeaders()
            let status: HTTPResponseStatus
            let body: String
            if authenticated {
                (status, body) = (.upgradeRequired, "upgrade required: the remote window speaks WebSocket (RFC 6455)\n")
                headers.add(name: "Upgrade", value: "websocket")
            } else {
                (status, body) = (.unauthorized, "unauthorized: send Authorization: Bearer TOKEN with the WebSocket upgrade\n")
                headers.add(name: "WWW-Authenticate", value: "Bearer")
                logger.notice("remote window upgrade refused: no valid token",
                              metadata: ["peer": "\(channel.channel.remoteAddress?.description ?? "?")"])
            }
            headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
            headers.add(name: "Content-Length", value: String(body.utf8.count))
            headers.add(name: "Connection", value: "close")
            try await outbound.write(contentsOf: [
                .head(HTTPResponseHead(version: head?.version ?? .http1_1, status: status, headers: headers)),
                .body(.byteBuffer(ByteBuffer(string: body))),
                .end(nil),
            ])
        }
    }
}
