import Hummingbird

/// `HTTPFields.Element` is swift-http-types' `HTTPField`, reached through Hummingbird's exports.
extension HTTPFields.Element.Name {
    /// The batch's idempotency key
    /// ([draft-ietf-httpapi-idempotency-key-header](https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/)).
    static let idempotencyKey = Self("Idempotency-Key")!
    /// `true` on an answer replayed from an earlier request with the same key and body.
    static let idempotentReplayed = Self("Idempotent-Replayed")!
}
