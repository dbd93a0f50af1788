import Foundation

/// One operator connection, numbered by whoever accepts connections (``RemoteHub`` does).
public struct ConnectionID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var rawValue: Int
    public init(_ rawValue: Int) { self.rawValue = rawValue }
    public var description: String { "#\(rawValue)" }
    public static func < (lhs: ConnectionID, rhs: ConnectionID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The operator, on one connection, who asks for or holds the takeover. The consent is given to
/// that connection, not to every window the same operator may have open.
public struct TakeoverParty: Sendable, Hashable {
    public var connection: ConnectionID
    public var `operator`: Operator

    public init(connection: ConnectionID, operator: Operator) {
        self.connection = connection
        self.operator = `operator`
    }
}

/// The kiosk-wide takeover: who asked, who may drive the kiosk, and so who may see personal data.
///
/// ```
///  none ──request(by)──> requested(by) ──citizen: yes──> granted(to)
///   ^                          │                               │
///   └──── citizen: no ─────────┘                               │
///   └──── operator ends, citizen ends, operator leaves, visit ends
/// ```
///
/// The citizen's consent is the "vendor mode" handshake of XFS4IoT and UnifiedPOS applied to a
/// person: nothing an operator sends drives the flow, and no personal data reaches an operator,
/// until the citizen has said yes on the kiosk; one key on the kiosk, the operator, or the end of
/// the visit takes it back. There is one value per kiosk, owned by whoever serialises the
/// connections' events (``RemoteHub``).
public struct Consent: Sendable, Hashable {
    public enum State: Sendable, Hashable {
        case none
        case requested(TakeoverParty)
        case granted(TakeoverParty)
    }

    /// Why a takeover, or a request for one, ended.
    public enum EndReason: String, Sendable, Hashable, Codable, CaseIterable {
        /// The citizen pressed the key that ends it.
        case citizen
        /// The operator gave the kiosk back, or withdrew the request.
        case `operator`
        /// The operator's connection went away.
        case operatorLeft = "operator-left"
        /// The citizen's visit ended: finished, timed out, or the card was taken.
        case visitEnded = "visit-ended"
    }

    /// One transition, for the kiosk's screen, the operators and the audit log.
    public struct Change: Sendable, Hashable {
        public var from: State
        public var to: State
        /// What operators are told.
        public var notice: TakeoverNotice
        /// The operator the change is about.
        public var party: TakeoverParty

        /// The audit record of this change.
        public func auditRecord(at date: Date) -> AuditRecord {
            let action: AuditRecord.Action
            var detail = ""
            switch notice.state {
            case .requested: action = .consentRequested
            case .granted: action = .consentGranted
            case .declined: action = .consentDeclined
            case .ended, .none:
                action = .takeoverEnded
                let wasGranted = if case .granted = from { true } else { false }
                detail = (wasGranted ? "takeover" : "request") + " ended: " + (notice.reason ?? "")
            }
            return AuditRecord(at: date, operator: party.operator, action: action, detail: detail)
        }
    }

    public private(set) var state: State = .none

    public init() {}

    /// The party holding the takeover, if the citizen granted it.
    public var holder: TakeoverParty? {
        if case .granted(let party) = state { return party }
        return nil
    }

    /// The party whose request waits for the citizen's answer.
    public var requester: TakeoverParty? {
        if case .requested(let party) = state { return party }
        return nil
    }

    /// Whether `connection` holds the takeover: its input drives the flow.
    public func isGranted(to connection: ConnectionID) -> Bool { holder?.connection == connection }

    /// Whether `connection` may see personal data unmasked: only while it holds the takeover.
    public func showsPersonalData(to connection: ConnectionID) -> Bool { isGranted(to: connection) }

    /// How the state reads on the wire.
    public var notice: TakeoverNotice {
        switch state {
        case .none: TakeoverNotice(state: .none)
        case .requested(let party): TakeoverNotice(state: .requested, by: party.operator.name)
        case .granted(let party): TakeoverNotice(state: .granted, by: party.operator.name)
        }
    }

    /// An operator asks. Only from `none`: a second request while one waits, or while someone holds
    /// the takeover, is a sequence error.
    public mutating func request(by party: TakeoverParty) throws(RemoteError) -> Change {
        switch state {
        case .none:
            state = .requested(party)
            return Change(from: .none, to: state, notice: notice, party: party)
        case .requested(let other):
            throw .sequenceError("a takeover request by \(other.operator.name) is waiting for the citizen")
        case .granted(let other):
            throw .sequenceError("\(other.operator.name) has taken over the kiosk")
        }
    }

    /// The citizen answers the prompt. Nil when no request waits (a late or repeated answer).
    public mutating func answer(granted: Bool) -> Change? {
        guard case .requested(let party) = state else { return nil }
        let from = state
        state = granted ? .granted(party) : .none
        let notice = granted ? notice : TakeoverNotice(state: .declined, by: party.operator.name)
        return Change(from: from, to: state, notice: notice, party: party)
    }

    /// Ends the takeover or withdraws the request. With `connection`, only if that connection is
    /// the one asking or holding (an operator cannot end someone else's). Nil when nothing ended.
    public mutating func end(_ reason: EndReason, connection: ConnectionID? = nil) -> Change? {
        let party: TakeoverParty
        switch state {
        case .none: return nil
        case .requested(let asking): party = asking
        case .granted(let holding): party = holding
        }
        if let connection, connection != party.connection { return nil }
        let from = state
        state = .none
        return Change(from: from, to: .none,
                      notice: TakeoverNotice(state: .ended, by: party.operator.name, reason: reason.rawValue), party: party)
    }
}
