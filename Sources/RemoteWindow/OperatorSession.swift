import Foundation
import WireFormat

/// One operator connection as a state machine: events in, actions out, no I/O, after swift-nio's
/// protocol state machines. The server feeds it what happens (authentication, each text message,
/// the kiosk's screens and events) and performs what it returns, in order.
///
/// ```
/// unauthenticated ──authenticated──> attached(operator) ──error, flood, disconnect──> closed
/// ```
///
/// The rules it keeps:
/// - Nothing is sent before authentication: no frame, no event. A message before it is answered
///   `authorisationRequired` and the connection is closed.
/// - Every message takes a token from the connection's ``TokenBucket``; a flood closes it.
/// - A message that is not a readable envelope is answered with an error completion (to its
///   command if the header could be read, else to `Common.Error` with requestId 0) and, when
///   ``RemoteError/closesConnection``, the connection is closed. The kiosk is never disturbed.
/// - An accepted command is acknowledged at once, then completed: at once, or when the kiosk
///   reports back (device commands, identity verification, the citizen's answer to a takeover).
/// - A command the role does not allow completes `commandErrorCode`/`forbidden` and is audited.
/// - Input drives the kiosk only while the citizen has granted this connection the takeover;
///   otherwise it completes `sequenceError` and nothing is forwarded.
/// - Frames and identity results show personal data only to the connection holding the takeover.
///
/// The kiosk-wide ``Consent`` is passed in read-only; this session asks for changes with
/// ``Action/requestConsent(_:)`` and ``Action/endTakeover(_:_:)``, and learns of every change with
/// ``KioskEvent/takeoverChanged(_:)``. ``RemoteHub`` does this wiring for all connections.
public struct OperatorSession: Sendable {
    public struct Configuration: Sendable {
        public var codec: MessageCodec
        public var rateLimit: TokenBucket.Configuration
        /// Longest chat line, in characters.
        public var maxChatCharacters: Int
        /// The most commands that may wait for the kiosk at once on one connection.
        public var maxCommandsInFlight: Int
        /// Shown in `Common.Status`.
        public var kioskID: String?

        public init(codec: MessageCodec = MessageCodec(), rateLimit: TokenBucket.Configuration = .standard,
                    maxChatCharacters: Int = ChatText.maxCharacters, maxCommandsInFlight: Int = 8,
                    kioskID: String? = nil) {
            self.codec = codec
            self.rateLimit = rateLimit
            self.maxChatCharacters = maxChatCharacters
            self.maxCommandsInFlight = maxCommandsInFlight
            self.kioskID = kioskID
        }
    }

    public enum State: Sendable, Hashable {
        case unauthenticated
        case attached(Operator)
        case closed
    }

    public enum Event: Sendable {
        /// The upgrade request carried a valid token or client certificate.
        case authenticated(Operator)
        /// One text message from the operator.
        case received(String)
        /// The transport refused a message larger than the codec's limit without reading it.
        case receivedTooLarge(byteCount: Int)
        /// The transport dropped frames to this operator: send a full frame next.
        case resync
        /// The connection went away.
        case disconnected
        case kiosk(KioskEvent)
    }

    /// What the kiosk tells its operator connections.
    public enum KioskEvent: Sendable {
        /// The screen changed (or, right after authentication, what it is now).
        case screen(MirrorScreen)
        /// A chat line from the citizen or any operator, already sanitised.
        case chat(ChatLine)
        case helpRequested(HelpRequest)
        /// The kiosk-wide consent changed; the `consent` passed with it is the new state.
        case takeoverChanged(Consent.Change)
        /// The kiosk finished a ``DeviceRequest`` this session asked for.
        case commandFinished(requestId: Int, DeviceOutcome)
    }

    public enum Action: Sendable, Equatable {
        /// Encode with ``MessageCodec/encode(_:)`` and send as one text message.
        case send(Envelope)
        /// Close the connection after the messages before it are sent.
        case close(CloseReason)
        /// A key for the citizen's session, from the operator holding the takeover.
        case forwardInput(RemoteKey)
        /// Ask the citizen: show the consent prompt for this operator.
        case requestConsent(TakeoverParty)
        /// End this connection's takeover or withdraw its request.
        case endTakeover(TakeoverParty, Consent.EndReason)
        /// Carry out a device command and report with ``KioskEvent/commandFinished(requestId:_:)``.
        case deviceCommand(DeviceRequest)
        /// Show an operator's line in the citizen's chat panel (and echo it to every operator).
        case chatToCitizen(ChatLine)
        case audit(AuditRecord)
    }

    /// Why the session asks for its connection to be closed.
    public struct CloseReason: Sendable, Hashable, CustomStringConvertible {
        public var error: RemoteError?

        public init(_ error: RemoteError?) { self.error = error }

        /// The WebSocket close code (RFC 6455 §7.4.1): 1009 for a message too big, 1008 (policy
        /// violation) for any other error, 1000 otherwise.
        public var webSocketCode: UInt16 {
            switch error {
            case .messageTooLarge?: 1009
            case nil: 1000
            default: 1008
            }
        }

        public var description: String { error?.description ?? "closed" }
    }

    public let id: ConnectionID
    public let configuration: Configuration
    public private(set) var state: State = .unauthenticated
    private var bucket: TokenBucket
    private var frames = FrameStream()
    private var screen: MirrorScreen?
    /// Commands acknowledged and waiting for the kiosk, by requestId.
    private var inFlight: [Int: CommandName] = [:]
    /// The requestId of this connection's `Remote.RequestTakeover` waiting for the citizen.
    private var pendingTakeover: Int?

    public init(id: ConnectionID, configuration: Configuration = Configuration()) {
        self.id = id
        self.configuration = configuration
        bucket = TokenBucket(configuration.rateLimit)
    }

    /// The attached operator, if any.
    public var `operator`: Operator? {
        if case .attached(let person) = state { return person }
        return nil
    }

    /// The requestIds of commands waiting for the kiosk.
    public var commandsInFlight: Set<Int> { Set(inFlight.keys) }

    /// Handles one event, with the kiosk-wide consent as it is now, and returns what to do.
    public mutating func handle(_ event: Event, consent: Consent, now: Date) -> [Action] {
        switch state {
        case .closed:
            return []
        case .unauthenticated:
            switch event {
            case .authenticated(let person):
                state = .attached(person)
                var actions: [Action] = [.audit(AuditRecord(at: now, operator: person, action: .attach))]
                if consent.state != .none { actions.append(unsolicited(.takeover(consent.notice))) }
                return actions
            case .received, .receivedTooLarge:
                return fail(.authorisationRequired, consent: consent, now: now)
            case .disconnected:
                state = .closed
                return []
            case .resync, .kiosk:
                return []
            }
        case .attached(let person):
            switch event {
            case .authenticated:
                return []
            case .received(let text):
                guard bucket.take(now: now) else { return fail(.tooManyRequests, consent: consent, now: now) }
                return receive(text, from: person, consent: consent, now: now)
            case .receivedTooLarge(let count):
                return fail(.messageTooLarge(size: count, limit: configuration.codec.maxMessageBytes), consent: consent, now: now)
            case .resync:
                frames.reset()
                return screenActions(consent: consent)
            case .disconnected:
                return closeDown(reason: nil, consent: consent, now: now, sendClose: false)
            case .kiosk(let event):
                return kiosk(event, person: person, consent: consent, now: now)
            }
        }
    }

    // MARK: Messages from the operator

    private mutating func receive(_ text: String, from person: Operator, consent: Consent, now: Date) -> [Action] {
        let envelope: Envelope
        do {
            envelope = try configuration.codec.decode(text)
        } catch {
            if error.error.closesConnection { return fail(error.error, reply: error.reply, consent: consent, now: now) }
            return [.send(error.reply)]
        }
        let header = envelope.header
        guard header.type == .command else {
            return [.send(.completion(name: header.name, requestId: header.requestId, RemoteError.notACommand(header.type).completion))]
        }
        guard inFlight[header.requestId] == nil, pendingTakeover != header.requestId else {
            return [.send(.completion(name: header.name, requestId: header.requestId,
                                      RemoteError.invalidRequestID(header.requestId).completion))]
        }
        var actions: [Action] = [.send(.acknowledge(header))]
        func complete(_ completion: Completion) {
            actions.append(.send(.completion(name: header.name, requestId: header.requestId, completion)))
        }
        guard let name = CommandName(rawValue: header.name) else {
            complete(RemoteError.unsupportedCommand(header.name).completion)
            return actions
        }
        guard person.role.allows(name) else {
            actions.append(.audit(AuditRecord(at: now, operator: person, action: .forbidden, detail: name.rawValue)))
            complete(RemoteError.forbidden(command: name.rawValue, role: person.role).completion)
            return actions
        }
        let command: OperatorCommand
        do {
            command = try OperatorCommand(name: name, payload: envelope.payload)
        } catch {
            complete(error.completion)
            return actions
        }
        let party = TakeoverParty(connection: id, operator: person)
        switch command {
        case .commonStatus:
            complete(.success(status(person, consent: consent)))

        case .chat(let raw):
            let (text, truncated) = ChatText.clean(raw, maxCharacters: configuration.maxChatCharacters)
            guard !text.isEmpty else {
                complete(RemoteError.invalidPayload(field: "text", problem: "empty once control characters are removed").completion)
                return actions
            }
            actions.append(.chatToCitizen(ChatLine(from: .operator(person.name), text: text, at: now)))
            complete(.success(truncated ? ["truncated": true] : [:]))

        case .requestTakeover:
            var trial = consent
            do {
                _ = try trial.request(by: party)
            } catch {
                complete(error.completion)
                return actions
            }
            // Completed when the citizen answers (takeoverChanged), not now.
            pendingTakeover = header.requestId
            actions.append(.requestConsent(party))

        case .input(let key):
            guard consent.isGranted(to: id) else {
                complete(RemoteError.sequenceError("input needs the citizen's consent to a takeover by this operator").completion)
                return actions
            }
            actions.append(.forwardInput(key))
            complete(.success())

        case .endTakeover:
            guard consent.holder?.connection == id || consent.requester?.connection == id else {
                complete(RemoteError.sequenceError("this operator has no takeover or request to end").completion)
                return actions
            }
            actions.append(.endTakeover(party, .operator))
            complete(.success())

        case .deviceStatus, .deviceReset, .deviceTestPrint, .identityVerify:
            guard inFlight.count < configuration.maxCommandsInFlight else {
                complete(RemoteError.sequenceError("\(inFlight.count) commands are still in progress").completion)
                return actions
            }
            let request = DeviceRequest(requestId: header.requestId, command: Self.deviceCommand(command), operator: person)
            inFlight[header.requestId] = name
            let action: AuditRecord.Action = name == .identityVerify ? .identityVerify : .deviceCommand
            actions.append(.audit(AuditRecord(at: now, operator: person, action: action, detail: request.summary)))
            actions.append(.deviceCommand(request))
        }
        return actions
    }

    private static func deviceCommand(_ command: OperatorCommand) -> DeviceRequest.Command {
        switch command {
        case .deviceReset(let device): .reset(device: device)
        case .deviceTestPrint(let device): .testPrint(device: device)
        case .identityVerify: .verifyIdentity
        default: .status
        }
    }

    /// `Common.Status`: who this connection is and what it may do.
    private func status(_ person: Operator, consent: Consent) -> JSONObject {
        var result: JSONObject = [
            "operator": ["name": .string(person.name), "role": .string(person.role.rawValue)],
            "commands": .array(person.role.allowedCommands.map(\.rawValue).sorted().map(JSONValue.string)),
            "takeover": .object(consent.notice.payload),
            "personalData": .string(consent.showsPersonalData(to: id) ? "visible" : "masked"),
            "version": .string(ProtocolVersion.current.description),
            "limits": [
                "maxMessageBytes": .int(configuration.codec.maxMessageBytes),
                "messagesPerSecond": .number(configuration.rateLimit.messagesPerSecond),
                "burst": .int(configuration.rateLimit.burst),
                "chatCharacters": .int(configuration.maxChatCharacters),
            ],
        ]
        if let kioskID = configuration.kioskID { result["kioskId"] = .string(kioskID) }
        return result
    }

    // MARK: Events from the kiosk

    private mutating func kiosk(_ event: KioskEvent, person: Operator, consent: Consent, now: Date) -> [Action] {
        switch event {
        case .screen(let screen):
            self.screen = screen
            return screenActions(consent: consent)

        case .chat(let line):
            return [unsolicited(.chat(line))]

        case .helpRequested(let help):
            return [unsolicited(.help(help))]

        case .takeoverChanged(let change):
            var actions: [Action] = []
            if let requestId = pendingTakeover, change.party.connection == id, case .requested = change.from {
                pendingTakeover = nil
                let completion: Completion = switch change.notice.state {
                case .granted: .success()
                case .declined: RemoteError.declined.completion
                default: RemoteError.canceled("the request ended before the citizen answered: \(change.notice.reason ?? "")").completion
                }
                actions.append(.send(.completion(name: CommandName.requestTakeover.rawValue, requestId: requestId, completion)))
            }
            actions.append(unsolicited(.takeover(change.notice)))
            // Consent given or taken back changes what this operator may see.
            actions += screenActions(consent: consent)
            return actions

        case .commandFinished(let requestId, let outcome):
            guard let name = inFlight.removeValue(forKey: requestId) else { return [] }
            var actions: [Action] = []
            let completion: Completion
            switch outcome {
            case .status(let devices):
                completion = .success(["devices": .array(devices.map(\.statusJSON))])
            case .done:
                completion = .success()
            case .identity(let identity):
                let unmasked = consent.showsPersonalData(to: id)
                let result = IdentityResult(identity, unmasked: unmasked)
                actions.append(.send(KioskMessage.identity(result).envelope(requestId: requestId)))
                actions.append(.audit(AuditRecord(at: now, operator: person, action: .identityVerify,
                                                  detail: "read \(identity.kind.rawValue) \(identity.maskedNumber), shown \(unmasked ? "unmasked" : "masked")")))
                completion = .success()
            case .failed(let error):
                completion = error.completion
            }
            actions.append(.send(.completion(name: name.rawValue, requestId: requestId, completion)))
            return actions
        }
    }

    /// The frame that brings this operator's terminal to the current screen, masked or not.
    private mutating func screenActions(consent: Consent) -> [Action] {
        guard let screen else { return [] }
        guard let frame = frames.frame(for: screen, unmasked: consent.showsPersonalData(to: id)) else { return [] }
        return [unsolicited(.frame(frame))]
    }

    private func unsolicited(_ message: KioskMessage) -> Action { .send(message.envelope()) }

    // MARK: Closing

    /// Sends the error, closes, and cleans up.
    private mutating func fail(_ error: RemoteError, reply: Envelope? = nil, consent: Consent, now: Date) -> [Action] {
        let reply = reply ?? .completion(name: Envelope.errorName, requestId: 0, error.completion)
        return [.send(reply)] + closeDown(reason: error, consent: consent, now: now, sendClose: true)
    }

    private mutating func closeDown(reason: RemoteError?, consent: Consent, now: Date, sendClose: Bool) -> [Action] {
        var actions: [Action] = []
        if case .attached(let person) = state {
            let party = TakeoverParty(connection: id, operator: person)
            if consent.holder?.connection == id || consent.requester?.connection == id {
                actions.append(.endTakeover(party, .operatorLeft))
            }
            let detail = reason.map { "closed: \($0.description)" } ?? ""
            actions.append(.audit(AuditRecord(at: now, operator: person, action: .detach, detail: detail)))
        }
        state = .closed
        inFlight = [:]
        pendingTakeover = nil
        screen = nil
        if sendClose { actions.append(.close(CloseReason(reason))) }
        return actions
    }
}
