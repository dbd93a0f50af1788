import Foundation
import OutboxStatus
import WireFormat

/// What an outbox item reports to the platform; sent as the item's `type`.
public enum OutboxItemType: String, Codable, Sendable, CaseIterable {
    /// A certificate left the kiosk (printed and confirmed).
    case collection
    /// A self-service application was submitted.
    case submission
    /// A five-level rating of a service (好差评).
    case rating
    /// A citizen asked for a remote agent.
    case assistRequest = "assist-request"
    /// A device needs an operator (paper low, jam, reader offline).
    case deviceAlert = "device-alert"
    /// Any other device event worth keeping (claimed, reset, self-test).
    case deviceEvent = "device-event"
    /// An operator's action through the remote window or the control socket, for the record.
    case audit

    /// Whether payloads of this type name a citizen (ID number, name, scanned pages), and so are
    /// sealed at rest when a sealing key is configured.
    public var carriesPersonalData: Bool {
        switch self {
        case .collection, .submission, .assistRequest, .audit: true
        case .rating, .deviceAlert, .deviceEvent: false
        }
    }
}

/// One unit of work for the platform, written in the same transaction as the local state change it
/// reports, and uploaded later, at least once.
public struct OutboxItem: Sendable, Codable, Equatable, Identifiable {
    /// A lower-case UUIDv7: unique, sent as the `Idempotency-Key`, ordered by creation.
    public var id: String
    public var type: OutboxItemType
    /// When the thing reported happened, to the millisecond.
    public var occurredAt: Date
    /// The JSON body sent to the platform.
    public var payload: Data
    public var state: OutboxItemState
    /// Upload attempts so far.
    public var attempts: Int

    /// The associated data a sealed payload is bound to, so it cannot be moved to another item.
    public var sealingContext: String { "\(id)|\(type.rawValue)" }

    /// Creates an item value; `occurredAt` is rounded down to the millisecond, as the store keeps it.
    public init(
        id: String, type: OutboxItemType, occurredAt: Date, payload: Data,
        state: OutboxItemState = .pending, attempts: Int = 0
    ) {
        self.id = id
        self.type = type
        self.occurredAt = occurredAt.wholeMilliseconds
        self.payload = payload
        self.state = state
        self.attempts = attempts
    }
}
