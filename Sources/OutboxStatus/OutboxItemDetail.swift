import Foundation

/// An item as operators see it in `kioskctl queue list` and `queue export`.
public struct OutboxItemDetail: Sendable, Codable, Equatable {
    public var id: String
    public var type: String
    public var state: String
    public var attempts: Int
    public var occurredAt: Date
    public var lastError: String?
    /// The key id when the payload is sealed; the payload is then base64 of the sealed box.
    public var sealedWith: String?
    /// The payload, for exports only: JSON text, or base64 when sealed.
    public var payload: String?

    public init(id: String, type: String, state: String, attempts: Int, occurredAt: Date, lastError: String?,
                sealedWith: String?, payload: String?) {
        self.id = id
        self.type = type
        self.state = state
        self.attempts = attempts
        self.occurredAt = occurredAt
        self.lastError = lastError
        self.sealedWith = sealedWith
        self.payload = payload
    }
}
