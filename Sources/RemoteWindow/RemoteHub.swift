import Foundation
import TerminalUI

/// Every operator connection of one kiosk and the kiosk-wide consent, as one value: the server
/// keeps it behind one lock (or in one actor), feeds it each event, and performs the actions it
/// returns in order. Events from connections and from the kiosk are serialised here, so a
/// takeover request and the citizen's answer can never race.
///
/// The hub applies what sessions ask of the consent, tells every session of each change, audits
/// it, and tells the kiosk what to show: the consent prompt, the remote-control banner, the chat
/// panel. A connection that misbehaves is closed on its own; the others and the kiosk go on.
public struct RemoteHub: Sendable {
    public enum Event: Sendable {
        /// A connection's upgrade request was authenticated (see ``OperatorDirectory``).
        case authenticated(ConnectionID, Operator)
        /// One text message from a connection.
        case received(ConnectionID, String)
        /// The transport refused a message over the size limit without reading it.
        case receivedTooLarge(ConnectionID, byteCount: Int)
        /// The transport dropped frames to this connection.
        case resync(ConnectionID)
        case disconnected(ConnectionID)

        /// The kiosk's screen changed.
        case screen(MirrorScreen)
        /// The citizen sent a chat line from the side panel.
        case citizenChat(String)
        /// The citizen pressed Help.
        case helpRequested(HelpRequest)
        /// The citizen answered the consent prompt; a prompt that timed out is a no.
        case consentAnswered(granted: Bool)
        /// The citizen pressed the key that ends the takeover.
        case citizenEndedTakeover
        /// The citizen's visit ended: the takeover ends with it.
        case visitEnded
        /// The kiosk finished a ``DeviceRequest`` of this connection.
        case commandFinished(ConnectionID, requestId: Int, DeviceOutcome)
    }

    public enum Action: Sendable, Equatable {
        /// Encode with ``MessageCodec/encode(_:)`` and send as one text message.
        case send(ConnectionID, Envelope)
        /// Close the connection after what was sent before.
        case close(ConnectionID, OperatorSession.CloseReason)
        /// A key for the citizen's session from the operator holding the takeover.
        case forwardInput(RemoteKey, by: Operator)
        /// The takeover changed: show the consent prompt while `to` is `requested`, the
        /// remote-control banner while it is `granted`; when a granted takeover ends, wipe the
        /// identity data it may have seen (DESIGN.md decision 7).
        case takeoverChanged(Consent.Change)
        /// Show an operator's chat line in the citizen's side panel.
        case showChat(ChatLine)
        /// Carry out a device command; answer with ``Event/commandFinished(_:requestId:_:)``.
        case deviceCommand(ConnectionID, DeviceRequest)
        /// Nobody is attached: queue the help request to the platform.
        case queueHelpRequest(HelpRequest)
        /// Log it and queue it as an outbox item of type ``AuditRecord/outboxType``.
        case audit(AuditRecord)
    }

    public var configuration: OperatorSession.Configuration
    public private(set) var consent = Consent()
    public private(set) var sessions: [ConnectionID: OperatorSession] = [:]
    /// The latest screen, for operators who attach later.
    public private(set) var screen: MirrorScreen?
    /// The citizen's Help that nobody has taken up yet: operators who attach are told at once.
    /// It goes when an operator is granted the takeover or the visit ends.
    public private(set) var waitingHelp: HelpRequest?
    private var nextConnection = 1

    public init(configuration: OperatorSession.Configuration = OperatorSession.Configuration()) {
        self.configuration = configuration
    }

    /// A new, unauthenticated connection.
    public mutating func connect() -> ConnectionID {
        let id = ConnectionID(nextConnection)
        nextConnection += 1
        sessions[id] = OperatorSession(id: id, configuration: configuration)
        return id
    }

    /// The operators attached now, by connection.
    public var attached: [(connection: ConnectionID, operator: Operator)] {
        sessions.keys.sorted().compactMap { id in sessions[id]?.operator.map { (id, $0) } }
    }

    public mutating func handle(_ event: Event, now: Date) -> [Action] {
        switch event {
        case .authenticated(let id, let person):
            var actions = deliver(.authenticated(person), to: id, now: now)
            if let screen, sessions[id]?.operator != nil {
                actions += deliver(.kiosk(.screen(screen)), to: id, now: now)
            }
            if let waitingHelp, sessions[id]?.operator != nil {
                actions += deliver(.kiosk(.helpRequested(waitingHelp)), to: id, now: now)
            }
            return actions
        case .received(let id, let text):
            return deliver(.received(text), to: id, now: now)
        case .receivedTooLarge(let id, let count):
            return deliver(.receivedTooLarge(byteCount: count), to: id, now: now)
        case .resync(let id):
            return deliver(.resync, to: id, now: now)
        case .disconnected(let id):
            let actions = deliver(.disconnected, to: id, now: now)
            sessions[id] = nil
            return actions

        case .screen(let screen):
            self.screen = screen
            return broadcast(.screen(screen), now: now)
        case .citizenChat(let text):
            let (clean, _) = ChatText.clean(text, maxCharacters: configuration.maxChatCharacters)
            guard !clean.isEmpty else { return [] }
            return broadcast(.chat(ChatLine(from: .citizen, text: clean, at: now)), now: now)
        case .helpRequested(let help):
            waitingHelp = help
            guard !attached.isEmpty else { return [.queueHelpRequest(help)] }
            return broadcast(.helpRequested(help), now: now)
        case .consentAnswered(let granted):
            guard let change = consent.answer(granted: granted) else { return [] }
            if granted { waitingHelp = nil }
            return changed(change, now: now)
        case .citizenEndedTakeover:
            guard let change = consent.end(.citizen) else { return [] }
            return changed(change, now: now)
        case .visitEnded:
            waitingHelp = nil
            guard let change = consent.end(.visitEnded) else { return [] }
            return changed(change, now: now)
        case .commandFinished(let id, let requestId, let outcome):
            return deliver(.kiosk(.commandFinished(requestId: requestId, outcome)), to: id, now: now)
        }
    }

    // MARK: Plumbing

    /// Hands one event to one session and carries out what it asks of the hub.
    private mutating func deliver(_ event: OperatorSession.Event, to id: ConnectionID, now: Date) -> [Action] {
        guard var session = sessions[id] else { return [] }
        let sessionActions = session.handle(event, consent: consent, now: now)
        sessions[id] = session
        var actions: [Action] = []
        for action in sessionActions {
            switch action {
            case .send(let envelope):
                actions.append(.send(id, envelope))
            case .close(let reason):
                actions.append(.close(id, reason))
            case .forwardInput(let key):
                if let person = session.operator, consent.isGranted(to: id) {
                    actions.append(.forwardInput(key, by: person))
                }
            case .requestConsent(let party):
                // The session checked against this same consent; a failure here cannot happen.
                if let change = try? consent.request(by: party) { actions += changed(change, now: now) }
            case .endTakeover(let party, let reason):
                if let change = consent.end(reason, connection: party.connection) { actions += changed(change, now: now) }
            case .deviceCommand(let request):
                actions.append(.deviceCommand(id, request))
            case .chatToCitizen(let line):
                actions.append(.showChat(line))
                actions += broadcast(.chat(line), now: now)
            case .audit(let record):
                actions.append(.audit(record))
            }
        }
        // A closed connection gets nothing more; the server's `disconnected` finds nothing to do.
        if case .closed? = sessions[id]?.state { sessions[id] = nil }
        return actions
    }

    private mutating func broadcast(_ event: OperatorSession.KioskEvent, now: Date) -> [Action] {
        var actions: [Action] = []
        for id in sessions.keys.sorted() where sessions[id]?.operator != nil {
            actions += deliver(.kiosk(event), to: id, now: now)
        }
        return actions
    }

    /// A consent change: audited, shown on the kiosk, told to every operator.
    private mutating func changed(_ change: Consent.Change, now: Date) -> [Action] {
        [.audit(change.auditRecord(at: now)), .takeoverChanged(change)] + broadcast(.takeoverChanged(change), now: now)
    }
}
