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
        _ = try RemoteWindowConfiguration.socketAddress(host: configuration.host, port: configuration.port)
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
        hub = RemoteWindowHub(runtime: runtime, kioskID: runtime.configuration.kioskID, logger: logger)
        runtime.remoteHub.withLock { [hub] in $0 = hub }
    }

    public func run() async throws {
        let address = try RemoteWindowConfiguration.socketAddress(host: host, port: port)
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
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { await hub.followScreen() }
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { await self.serve(connection) }
                    }
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            server.channel.close(promise: nil)
        }
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

/// The one place every remote-window event goes through: it owns the ``RemoteHub`` behind a lock,
/// feeds it each event (a message, a disconnect, a screen, a device command's result, the citizen's
/// answer) and carries out the actions it returns, in order, before the next event.
public final class RemoteWindowHub: Sendable {
    enum Outgoing: Sendable {
        case text(String)
        case pong(ByteBuffer)
        case close(UInt16)
    }

    private struct State: Sendable {
        var hub: RemoteHub
        var outputs: [ConnectionID: AsyncStream<Outgoing>.Continuation] = [:]
        var visit: Int?
        /// Messages handed to each connection's writer and not yet written.
        var pending: [ConnectionID: Int] = [:]
        /// Connections whose frames are being skipped until their writer catches up.
        var behind: Set<ConnectionID> = []
        /// The last message encoded: a screen change goes to every operator as the same message.
        var lastEncoded: (envelope: Envelope, text: String)?
    }

    private let state: Mutex<State>
    /// Messages that may wait for a connection's socket before its frames are skipped.
    static let maxPendingFrames = 64
    let runtime: KioskRuntime
    let logger: Logger

    init(runtime: KioskRuntime, kioskID: String, logger: Logger) {
        self.runtime = runtime
        self.logger = logger
        state = Mutex(State(hub: RemoteHub(configuration: OperatorSession.Configuration(kioskID: kioskID))))
    }

    /// The operators attached now.
    public var attached: [Operator] { state.withLock { $0.hub.attached.map(\.operator) } }

    /// Reads the protocol's hub under the lock.
    func withHub<T>(_ read: (RemoteHub) -> T) -> T { state.withLock { read($0.hub) } }

    /// The kiosk-wide takeover state.
    public var consent: Consent { state.withLock { $0.hub.consent } }

    /// The citizen answered the takeover prompt on the kiosk.
    public func citizenAnswered(granted: Bool) { handle(.consentAnswered(granted: granted)) }

    /// The citizen pressed the key that ends the takeover.
    public func citizenEndedTakeover() { handle(.citizenEndedTakeover) }

    /// The citizen wrote in the chat panel.
    public func citizenChat(_ text: String) { handle(.citizenChat(text)) }

    /// The citizen pressed Help: every attached operator gets it, else it is queued. Returns whether
    /// an operator got it.
    public func citizenAskedForHelp(_ help: HelpRequest) -> Bool {
        state.withLock { state in
            let reached = !state.hub.attached.isEmpty
            for action in state.hub.handle(.helpRequested(help), now: Date()) { perform(action, state: &state) }
            return reached
        }
    }

    /// Feeds one event to the hub and performs what it asks, under the lock, so events from every
    /// connection and the kiosk are taken one at a time and their messages leave in order.
    func handle(_ event: RemoteHub.Event) {
        state.withLock { state in
            let actions = state.hub.handle(event, now: Date())
            for action in actions { perform(action, state: &state) }
        }
    }

    private func perform(_ action: RemoteHub.Action, state: inout State) {
        switch action {
        case .send(let id, let envelope):
            guard let output = state.outputs[id] else { return }
            // A viewer that falls behind (its socket does not drain) misses frames, never replies,
            // and gets a full frame once it has caught up.
            if envelope.header.name == FrameMessage.name,
               state.behind.contains(id) || state.pending[id, default: 0] >= Self.maxPendingFrames {
                state.behind.insert(id)
                return
            }
            state.pending[id, default: 0] += 1
            let text: String
            if let last = state.lastEncoded, last.envelope == envelope {
                text = last.text
            } else {
                text = MessageCodec.encode(envelope)
                state.lastEncoded = (envelope, text)
            }
            logger.trace("remote window message", metadata: ["connection": "\(id)", "name": "\(envelope.header.name)", "bytes": "\(text.utf8.count)"])
            output.yield(.text(text))
        case .close(let id, let reason):
            logger.notice("remote window connection closed", metadata: ["connection": "\(id)", "reason": "\(reason)"])
            if let output = state.outputs.removeValue(forKey: id) {
                output.yield(.close(reason.webSocketCode))
                output.finish()
            }
        case .forwardInput(let key, let person):
            logger.info("remote input", metadata: ["operator": "\(person.name)", "key": "\(key)"])
            runtime.send(.key(Self.key(key)))
        case .takeoverChanged(let change):
            logger.notice("remote takeover", metadata: ["state": "\(change.notice.state.rawValue)", "operator": "\(change.party.operator.name)"])
            switch change.to {
            case .requested(let party): runtime.send(.remote(.consentRequested(operator: party.operator.name)))
            case .granted(let party): runtime.send(.remote(.takeoverStarted(operator: party.operator.name)))
            case .none: runtime.send(.remote(.takeoverEnded))
            }
        case .showChat(let line):
            logger.info("operator chat line", metadata: ["from": "\(line.from.wireName)"])
            if case .operator(let name) = line.from { runtime.send(.remote(.chat(operator: name, text: line.text))) }
        case .deviceCommand(let id, let request):
            Task { [runtime] in
                let outcome = await Self.carryOut(request, runtime: runtime, logger: logger)
                self.handle(.commandFinished(id, requestId: request.requestId, outcome))
            }
        case .queueHelpRequest(let help):
            runtime.queueAssistRequest(help)
        case .audit(let record):
            logger.notice("remote window audit", metadata: ["record": "\(record)"])
            // The one payload encoder (dates with milliseconds, as every other item has them).
            runtime.enqueue(.audit, record)
        }
    }


    /// A new connection: its id and the messages to send it.
    func connect() -> (ConnectionID, AsyncStream<Outgoing>) {
        let (stream, continuation) = AsyncStream<Outgoing>.makeStream()
        let id = state.withLock { state in
            let id = state.hub.connect()
            state.outputs[id] = continuation
            return id
        }
        return (id, stream)
    }

    /// The writer wrote one message; a connection that fell behind and has caught up is resynced.
    func written(_ id: ConnectionID) {
        let resync = state.withLock { state in
            guard let count = state.pending[id] else { return false }
            state.pending[id] = max(0, count - 1)
            guard count <= 1, state.behind.remove(id) != nil else { return false }
            return true
        }
        if resync { handle(.resync(id)) }
    }

    /// Closes a connection with `code` outside the protocol's hub (a binary message: 1003).
    func refuse(_ id: ConnectionID, code: UInt16) {
        state.withLock { state in
            if let output = state.outputs.removeValue(forKey: id) {
                output.yield(.close(code))
                output.finish()
            }
        }
        handle(.disconnected(id))
    }

    func send(_ item: Outgoing, to id: ConnectionID) {
        state.withLock { state in _ = state.outputs[id]?.yield(item) }
    }

    /// The connection is gone: the hub forgets it (ending its takeover) and its writer stops.
    func disconnected(_ id: ConnectionID) {
        state.withLock { state in
            state.outputs.removeValue(forKey: id)?.finish()
            state.pending[id] = nil
            state.behind.remove(id)
        }
        handle(.disconnected(id))
    }

    func closeAll() {
        let outputs = state.withLock { state in
            defer { state.outputs = [:] }
            return Array(state.outputs.values)
        }
        for output in outputs {
            output.yield(.close(1001))
            output.finish()
        }
    }

    /// How long a changed screen waits before it goes to operators. The citizen's own screen is
    /// written first, without 50 operators' sockets competing for the kiosk's cores, and changes
    /// that come faster than this (a scan filling a field, fast typing) go as one frame. Below what
    /// an operator watching over a network can notice.
    static let framePacing = Duration.milliseconds(2)

    /// Feeds the kiosk's screens to the hub while the server runs; a new visit ends any takeover.
    func followScreen() async {
        let watch = runtime.mirror.watch()
        defer { runtime.mirror.stop(watch.id) }
        var sent: MirrorFeed.Update?
        for await _ in watch.updates {
            try? await Task.sleep(for: Self.framePacing)
            // The newest screen, which may be newer than the one that woke us; the stream can
            // still hold one already sent.
            guard let update = runtime.mirror.latest, update != sent else { continue }
            sent = update
            let visitEnded = state.withLock { state in
                defer { state.visit = update.visit }
                return state.visit.map { $0 != update.visit } ?? false
            }
            if visitEnded { handle(.visitEnded) }
            // With nobody attached nothing is rendered; an operator who attaches gets the newest
            // screen then (``refreshScreen()``).
            guard state.withLock({ !$0.hub.attached.isEmpty }) else { continue }
            handle(.screen(update.mirrorScreen(renderer: runtime.renderer)))
        }
    }

    /// Brings the hub's screen up to date around an operator's attaching, since screens are not
    /// rendered for operators while none is attached; nothing is sent when it already is.
    func refreshScreen() {
        guard let update = runtime.mirror.latest,
              state.withLock({ $0.hub.screen?.plain != update.plain }) else { return }
        handle(.screen(update.mirrorScreen(renderer: runtime.renderer)))
    }

    /// One operator's connection: reads its frames into the hub and writes what the hub sends it.
    func serve(_ channel: NIOAsyncChannel<WebSocketFrame, WebSocketFrame>, operator person: Operator) async {
        let (id, outgoing) = connect()
        let closing = ClosingFlag()
        logger.notice("remote window attached", metadata: ["connection": "\(id)", "operator": "\(person.name)", "role": "\(person.role.rawValue)"])
        refreshScreen()
        handle(.authenticated(id, person))
        // A change made while this operator was not yet attached was skipped above: catch it up.
        refreshScreen()
        do {
            try await channel.executeThenClose { inbound, outbound in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        do {
                            for try await frame in inbound {
                                if closing.isSet {
                                    // After our Close only the peer's Close matters (RFC 6455 §5.5.1).
                                    if frame.opcode == .connectionClose { return }
                                    continue
                                }
                                switch frame.opcode {
                                case .text:
                                    let bytes = Array(frame.unmaskedData.readableBytesView)
                                    // Not UTF-8: handed on as text that is not JSON, so it is refused the same way.
                                    let text = String(validating: bytes, as: UTF8.self) ?? "\u{FFFD}"
                                    self.handle(.received(id, text))
                                case .binary:
                                    self.refuse(id, code: 1003)
                                    return
                                case .ping:
                                    self.send(.pong(frame.unmaskedData), to: id)
                                case .connectionClose:
                                    self.refuse(id, code: 1000)
                                    return
                                default:
                                    continue
                                }
                            }
                        } catch let error as NIOWebSocketError where error == .invalidFrameLength {
                            self.handle(.receivedTooLarge(id, byteCount: MessageCodec.defaultMaxMessageBytes + 1))
                            return
                        } catch let error as NIOWebSocketFrameAggregator.Error where error == .accumulatedFrameSizeIsTooLarge {
                            self.handle(.receivedTooLarge(id, byteCount: MessageCodec.defaultMaxMessageBytes + 1))
                            return
                        } catch {
                            // A frame that breaks RFC 6455, or the socket failed: protocol error, closed.
                            self.logger.debug("remote window connection failed", metadata: ["connection": "\(id)", "error": "\(error)"])
                            self.refuse(id, code: 1002)
                            return
                        }
                        // The peer went away.
                        self.disconnected(id)
                    }
                    // The writer: what the hub sends, until it closes the connection or the reader
                    // ends the stream (the peer went away). Then the reader is stopped.
                    writing: for await item in outgoing {
                        switch item {
                        case .text(let text):
                            try await outbound.write(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: text)))
                            self.written(id)
                        case .pong(let data):
                            try await outbound.write(WebSocketFrame(fin: true, opcode: .pong, data: data))
                        case .close(let code):
                            closing.set()
                            var data = ByteBuffer()
                            data.write(webSocketErrorCode: WebSocketErrorCode(codeNumber: Int(code)))
                            try await outbound.write(WebSocketFrame(fin: true, opcode: .connectionClose, data: data))
                            break writing
                        }
                    }
                    // The closing handshake: wait (2 s at most) for the peer's Close while the reader
                    // discards what was already on its way. Closing the socket with unread data
                    // would make the kernel reset it, and the peer would lose our last answer.
                    group.addTask { try? await Task.sleep(for: .seconds(2)) }
                    _ = try? await group.next()
                    group.cancelAll()
                }
            }
        } catch {
            logger.debug("remote window connection error", metadata: ["connection": "\(id)", "error": "\(error)"])
        }
        disconnected(id)
        logger.notice("remote window detached", metadata: ["connection": "\(id)", "operator": "\(person.name)"])
    }

    // MARK: The kiosk's side

    static func key(_ key: RemoteKey) -> Key {
        switch key {
        case .character(let text): .text(text)
        case .enter: .enter
        case .escape: .escape
        case .backspace: .backspace
        case .delete: .delete
        case .tab: .tab
        case .arrowUp: .up
        case .arrowDown: .down
        case .arrowLeft: .left
        case .arrowRight: .right
        case .home: .home
        case .end: .end
        case .pageUp: .pageUp
        case .pageDown: .pageDown
        case .function(let number): .function(number)
        }
    }

    /// How long an `Identity.Verify` waits for the citizen to present a document.
    static let identityCheckTimeout = Duration.seconds(90)

    /// Carries out an operator's device command as `kioskctl device-*` does.
    static func carryOut(_ request: DeviceRequest, runtime: KioskRuntime, logger: Logger) async -> DeviceOutcome {
        let devices = runtime.devices
        switch request.command {
        case .status:
            let entries = await devices.snapshot().map { DeviceStatusEntry(id: $0.id, role: $0.role, health: $0.health) }
            return .status(entries)
        case .reset(let id):
            guard await devices.device(id: id) != nil else { return .failed(.unsupportedData("no device \(id) at this kiosk")) }
            do throws(DeviceError) {
                try await devices.reset(id: id)
                logger.notice("device reset by a remote operator", metadata: ["device": "\(id)", "operator": "\(request.operator.name)"])
                return .done
            } catch {
                return .failed(.hardwareError("\(id): \(error.code)"))
            }
        case .testPrint(let requested):
            // The printer's self-test, as `kioskctl device-test` runs it.
            let snapshots = await devices.snapshot()
            guard let id = requested ?? snapshots.first(where: { $0.role == .receiptPrinter })?.id,
                  snapshots.contains(where: { $0.id == id && $0.category == .printer }) else {
                return .failed(.unsupportedData("no such printer at this kiosk"))
            }
            do throws(DeviceError) {
                let health = try await devices.selfTest(id: id)
                return health.isUsable ? .done : .failed(.deviceNotReady("\(id): \(health.state.rawValue)"))
            } catch {
                return .failed(.hardwareError("\(id): \(error.code)"))
            }
        case .verifyIdentity:
            // The document of this visit if one was presented; otherwise the citizen is asked on
            // screen to present it, and the next one read answers.
            if let identity = runtime.presentedIdentity { return .identity(identity) }
            guard await devices.snapshot().contains(where: { $0.category == .identityReader && $0.health.isUsable }) else {
                return .failed(.deviceNotReady("no identity reader is working at this kiosk"))
            }
            runtime.send(.remote(.identityCheckRequested(operator: request.operator.name)))
            guard let identity = await runtime.identityCheck.next(timeout: identityCheckTimeout) else {
                return .failed(.timeOut)
            }
            return .identity(identity)
        }
    }
}

/// Set once the server has sent its Close frame on a connection.
private final class ClosingFlag: Sendable {
    private let state = Mutex(false)
    var isSet: Bool { state.withLock { $0 } }
    func set() { state.withLock { $0 = true } }
}
