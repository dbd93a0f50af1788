import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket
import RemoteWindow
import Synchronization

/// Where a kiosk's remote window listens: `ws://HOST:PORT` on loopback, `wss://HOST:PORT` elsewhere.
public struct RemoteWindowURL: Sendable, Equatable, CustomStringConvertible {
    public var secure: Bool
    public var host: String
    public var port: Int

    public init(_ text: String) throws(RemoteClientError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "ws" || scheme == "wss", let host = components.host, !host.isEmpty else {
            throw .badURL(text)
        }
        secure = scheme == "wss"
        self.host = host
        port = components.port ?? (secure ? 443 : 80)
        guard (1...65535).contains(port) else { throw .badURL(text) }
    }

    public var description: String { "\(secure ? "wss" : "ws")://\(host):\(port)" }
}

public enum RemoteClientError: Error, Sendable, Equatable, CustomStringConvertible {
    case badURL(String)
    /// The kiosk answered the upgrade with something else: a wrong token gets 401.
    case refused
    case tls(String)

    public var description: String {
        switch self {
        case .badURL(let text): "\"\(text)\" is not a remote window address; use ws://HOST:PORT (loopback) or wss://HOST:PORT"
        case .refused: "the kiosk refused the connection: check the token (kioskctl remote needs the operator's own token file)"
        case .tls(let detail): "TLS: \(detail)"
        }
    }
}

/// An operator's end of the remote window: one WebSocket connection, messages in as envelopes,
/// commands out. `kioskctl remote` and the benchmarks use it.
public enum RemoteWindowClient {
    /// The hall's trust: a CA file for the kiosk's certificate (the system's roots otherwise), and the
    /// operator's client certificate when the kiosk asks for one.
    public struct TLSOptions: Sendable {
        public var caFile: String?
        public var certificateFile: String?
        public var keyFile: String?
        public init(caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil) {
            self.caFile = caFile
            self.certificateFile = certificateFile
            self.keyFile = keyFile
        }
    }

    enum Upgrade: Sendable {
        case websocket(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>)
        case refused
    }

    /// Connects, authenticates with `token` in the upgrade, and runs `body` with the kiosk's messages
    /// and a sender. The connection closes when `body` returns.
    public static func session<Result: Sendable>(
        _ url: RemoteWindowURL, token: String?, tls: TLSOptions = TLSOptions(),
        _ body: @Sendable (_ messages: AsyncThrowingStream<Envelope, Error>, _ sender: RemoteSender) async throws -> Result
    ) async throws -> Result {
        let sslContext = try url.secure ? makeContext(tls) : nil
        let upgrade: EventLoopFuture<Upgrade> = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: url.host, port: url.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        let handler = try NIOSSLClientHandler(context: sslContext, serverHostname: url.host.first?.isNumber == true ? nil : url.host)
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                    let upgrader = NIOTypedWebSocketClientUpgrader<Upgrade>(
                        maxFrameSize: MessageCodec.defaultMaxMessageBytes,
                        upgradePipelineHandler: { channel, _ in
                            channel.eventLoop.makeCompletedFuture {
                                try channel.pipeline.syncOperations.addHandler(NIOWebSocketFrameAggregator(
                                    minNonFinalFragmentSize: 1, maxAccumulatedFrameCount: 1024,
                                    maxAccumulatedFrameSize: MessageCodec.defaultMaxMessageBytes))
                                return .websocket(try NIOAsyncChannel(wrappingChannelSynchronously: channel))
                            }
                        })
                    var headers = HTTPHeaders()
                    headers.add(name: "Host", value: "\(url.host):\(url.port)")
                    headers.add(name: "Content-Length", value: "0")
                    if let token { headers.add(name: "Authorization", value: "Bearer \(token)") }
                    let configuration = NIOTypedHTTPClientUpgradeConfiguration<Upgrade>(
                        upgradeRequestHead: HTTPRequestHead(version: .http1_1, method: .GET, uri: "/", headers: headers),
                        upgraders: [upgrader],
                        notUpgradingCompletionHandler: { channel in
                            channel.eventLoop.makeCompletedFuture { .refused }
                        })
                    var pipeline = NIOUpgradableHTTPClientPipelineConfiguration(upgradeConfiguration: configuration)
                    // The kiosk sends its first frame right after the 101; when both arrive in one
                    // read, the default strategy drops the frame with the HTTP decoder.
                    pipeline.leftOverBytesStrategy = .forwardBytes
                    return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(configuration: pipeline)
                }
            }
        let channel: NIOAsyncChannel<WebSocketFrame, WebSocketFrame>
        switch try await upgrade.get() {
        case .websocket(let upgraded): channel = upgraded
        case .refused: throw RemoteClientError.refused
        }
        return try await channel.executeThenClose { inbound, outbound in
            let sender = RemoteSender(outbound: outbound)
            let (messages, continuation) = AsyncThrowingStream<Envelope, Error>.makeStream()
            let reader = Task {
                let codec = MessageCodec()
                do {
                    for try await frame in inbound {
                        switch frame.opcode {
                        case .text:
                            let text = String(decoding: frame.unmaskedData.readableBytesView, as: UTF8.self)
                            // A message the client cannot read is dropped, never shown raw.
                            if let envelope = try? codec.decode(text) { continuation.yield(envelope) }
                        case .ping:
                            try await sender.write(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData))
                        case .connectionClose:
                            try? await sender.write(WebSocketFrame(fin: true, opcode: .connectionClose, data: frame.unmaskedData))
                            continuation.finish()
                            return
                        default:
                            continue
                        }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            defer { reader.cancel() }
            let result = try await body(messages, sender)
            var code = ByteBuffer()
            code.write(webSocketErrorCode: .normalClosure)
            try? await sender.write(WebSocketFrame(fin: true, opcode: .connectionClose, data: code))
            return result
        }
    }

    static func makeContext(_ options: TLSOptions) throws -> NIOSSLContext {
        do {
            var configuration = TLSConfiguration.makeClientConfiguration()
            if let caFile = options.caFile { configuration.trustRoots = .file(caFile) }
            if let certificateFile = options.certificateFile, let keyFile = options.keyFile {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) }
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
            }
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw RemoteClientError.tls("\(error)")
        }
    }
}

/// Sends an operator's commands, numbering them.
public final class RemoteSender: Sendable {
    private let outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>
    private let requestIds = Mutex(0)

    init(outbound: NIOAsyncChannelOutboundWriter<WebSocketFrame>) { self.outbound = outbound }

    /// Sends `command` and returns its requestId, which its completion will carry.
    @discardableResult
    public func send(_ command: OperatorCommand) async throws -> Int {
        let requestId = requestIds.withLock { value in
            value += 1
            return value
        }
        try await send(text: MessageCodec.encode(command.envelope(requestId: requestId)))
        return requestId
    }

    public func send(text: String) async throws {
        try await write(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: text)))
    }

    func write(_ frame: WebSocketFrame) async throws {
        // A client masks every frame it sends (RFC 6455 §5.3); NIO's encoder applies the key.
        var frame = frame
        frame.maskKey = .random()
        try await outbound.write(frame)
    }
}
