import Application
import Foundation
import Logging
import NIOCore
import NIOWebSocket
import RemoteWindow
import Synchronization

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
    let kiosk: any RemoteWindowKiosk
    let logger: Logger

    init(kiosk: any RemoteWindowKiosk, kioskID: String, logger: Logger) {
        self.kiosk = kiosk
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
            kiosk.send(.key(Self.key(key)))
        case .takeoverChanged(let change):
            logger.notice("remote takeover", metadata: ["state": "\(change.notice.state.rawValue)", "operator": "\(change.party.operator.name)"])
            switch change.to {
            case .requested(let party): kiosk.send(.remote(.consentRequested(operator: party.operator.name)))
            case .granted(let party): kiosk.send(.remote(.takeoverStarted(operator: party.operator.name)))
            case .none: kiosk.send(.remote(.takeoverEnded))
            }
        case .showChat(let line):
            logger.info("operator chat line", metadata: ["from": "\(line.from.wireName)"])
            if case .operator(let name) = line.from { kiosk.send(.remote(.chat(operator: name, text: line.text))) }
        case .deviceCommand(let id, let request):
            Task { [kiosk] in
                let outcome = await Self.carryOut(request, kiosk: kiosk, logger: logger)
                self.handle(.commandFinished(id, requestId: request.requestId, outcome))
            }
        case .queueHelpRequest(let help):
            kiosk.queueAssistRequest(help)
        case .audit(let record):
            logger.notice("remote window audit", metadata: ["record": "\(record)"])
            // The one payload encoder (dates with milliseconds, as every other item has them).
            kiosk.enqueue(.audit, record)
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
        let watch = kiosk.mirror.watch()
        defer { kiosk.mirror.stop(watch.id) }
        var sent: MirrorFeed.Update?
        for await _ in watch.updates {
            try? await Task.sleep(for: Self.framePacing)
            // The newest screen, which may be newer than the one that woke us; the stream can
            // still hold one already sent.
            guard let update = kiosk.mirror.latest, update != sent else { continue }
            sent = update
            let visitEnded = state.withLock { state in
                defer { state.visit = update.visit }
                return state.visit.map { $0 != update.visit } ?? false
            }
            if visitEnded { handle(.visitEnded) }
            // With nobody attached nothing is rendered; an operator who attaches gets the newest
            // screen then (``refreshScreen()``).
            guard state.withLock({ !$0.hub.attached.isEmpty }) else { continue }
            handle(.screen(update.mirrorScreen(renderer: kiosk.renderer)))
        }
    }

    /// Brings the hub's screen up to date around an operator's attaching, since screens are not
    /// rendered for operators while none is attached; nothing is sent when it already is.
    func refreshScreen() {
        guard let update = kiosk.mirror.latest,
              state.withLock({ $0.hub.screen?.plain != update.plain }) else { return }
        handle(.screen(update.mirrorScreen(renderer: kiosk.renderer)))
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
}

/// Set once the server has sent its Close frame on a connection.
private final class ClosingFlag: Sendable {
    private let state = Mutex(false)
    var isSet: Bool { state.withLock { $0 } }
    func set() { state.withLock { $0 = true } }
}
