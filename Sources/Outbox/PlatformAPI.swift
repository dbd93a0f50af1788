import Foundation
import WireFormat

/// The wire types of the platform API that the uploader and the pickup sync speak, as specified
/// in `docs/api/platform.yaml` (OpenAPI 3.1). The platform stand-in decodes the same types, so a
/// change here is a change of the API: change the document in the same commit.
///
/// Every time on the wire is ISO 8601 in UTC with milliseconds (`2026-11-27T14:21:44.123Z`);
/// ``PlatformAPI/makeEncoder()`` and ``PlatformAPI/makeDecoder()`` are the coders to use.
public enum PlatformAPI {
    /// The path prefix of every endpoint.
    public static let version = "v1"

    /// `POST /v1/kiosks/{kioskId}/events`: a batch of outbox items.
    ///
    /// The request carries an `Idempotency-Key` header (``EventBatch/idempotencyKey``); each item's
    /// `id` is its own idempotency key, so an item the platform already holds is answered
    /// ``ItemResult/Status/duplicate`` and never counted twice.
    public struct EventBatch: Codable, Sendable, Equatable {
        public var items: [Event]

        public init(items: [Event]) { self.items = items }

        /// The request's `Idempotency-Key`: the same for a retried batch of the same items.
        public var idempotencyKey: String { PlatformAPI.batchKey(ids: items.map(\.id)) }
    }

    /// One outbox item as sent: its payload is the item's JSON document, unsealed.
    public struct Event: Codable, Sendable, Equatable {
        public var id: String
        public var type: String
        public var occurredAt: Date
        public var payload: JSONValue
        /// Files uploaded before the item with `PUT /v1/kiosks/{kioskId}/attachments/{sha256}`.
        public var attachments: [AttachmentRef]?

        public init(id: String, type: String, occurredAt: Date, payload: JSONValue, attachments: [AttachmentRef]? = nil) {
            self.id = id
            self.type = type
            self.occurredAt = occurredAt
            self.payload = payload
            self.attachments = attachments
        }
    }

    /// An uploaded file an item refers to.
    public struct AttachmentRef: Codable, Sendable, Equatable {
        public var sha256: String
        public var mediaType: String
        public var size: Int64

        public init(sha256: String, mediaType: String, size: Int64) {
            self.sha256 = sha256
            self.mediaType = mediaType
            self.size = size
        }
    }

    /// The answer to an ``EventBatch``: one result per item, in any order.
    public struct EventBatchResult: Codable, Sendable, Equatable {
        public var results: [ItemResult]

        public init(results: [ItemResult]) { self.results = results }
    }

    /// What the platform did with one item.
    public struct ItemResult: Codable, Sendable, Equatable {
        public enum Status: String, Codable, Sendable {
            /// Stored now.
            case accepted
            /// Already stored by an earlier request; nothing changed.
            case duplicate
            /// Stored, but it contradicts what the platform knows: a pickup collected here was
            /// already collected elsewhere. The kiosk raises an operator alert.
            case conflict
            /// Refused for a reason that sending again cannot fix (`reason` says which).
            case rejected
        }

        public var id: String
        public var status: Status
        /// Why an item was rejected or conflicts, in words for an operator.
        public var reason: String?

        public init(id: String, status: Status, reason: String? = nil) {
            self.id = id
            self.status = status
            self.reason = reason
        }
    }

    /// `GET /v1/kiosks/{kioskId}/pickups?since=CURSOR`: what changed since the cursor.
    public struct PickupPage: Codable, Sendable, Equatable {
        /// Pass back as `since` next time. Opaque to the kiosk.
        public var cursor: String
        /// Whether more changes wait: fetch again at once with the new cursor.
        public var more: Bool
        public var pickups: [PickupRecord]

        public init(cursor: String, more: Bool, pickups: [PickupRecord]) {
            self.cursor = cursor
            self.more = more
            self.pickups = pickups
        }
    }

    /// One pickup in the manifest. `holderKey` is `hex(SHA-256(salt|kind|NUMBER))` and
    /// `pickupCodeHash` is `hex(SHA-256(salt|pickup-code|CODE))`, with the salt the kiosk is
    /// configured with (`holder-key-salt`).
    public struct PickupRecord: Codable, Sendable, Equatable {
        public enum State: String, Codable, Sendable {
            case ready
            /// Collected, here or elsewhere; `collectedAt` and `collectedBy` say when and where.
            case collected
            /// Taken back by the department: purge it from the cache.
            case withdrawn
        }

        public var id: String
        public var holderKey: String
        public var pickupCodeHash: String?
        public var titleZh: String
        public var titleEn: String
        public var departmentZh: String
        public var departmentEn: String
        public var resultCode: String?
        /// SHA-256 of the document, fetched from `GET /v1/documents/{sha256}`.
        public var documentDigest: String?
        public var state: State
        public var collectedAt: Date?
        /// The kiosk (or counter) that recorded the collection.
        public var collectedBy: String?
        public var expiresAt: Date?

        public init(
            id: String, holderKey: String, pickupCodeHash: String? = nil,
            titleZh: String, titleEn: String, departmentZh: String, departmentEn: String,
            resultCode: String? = nil, documentDigest: String? = nil, state: State = .ready,
            collectedAt: Date? = nil, collectedBy: String? = nil, expiresAt: Date? = nil
        ) {
            self.id = id
            self.holderKey = holderKey
            self.pickupCodeHash = pickupCodeHash
            self.titleZh = titleZh
            self.titleEn = titleEn
            self.departmentZh = departmentZh
            self.departmentEn = departmentEn
            self.resultCode = resultCode
            self.documentDigest = documentDigest
            self.state = state
            self.collectedAt = collectedAt
            self.collectedBy = collectedBy
            self.expiresAt = expiresAt
        }
    }

    /// The body of every error answer (4xx, 5xx), in words for an operator.
    public struct Problem: Codable, Sendable, Equatable {
        public var error: String
        public var detail: String?

        public init(error: String, detail: String? = nil) {
            self.error = error
            self.detail = detail
        }
    }

    /// The `Idempotency-Key` of a batch of items with these ids, in this order.
    public static func batchKey(ids: [String]) -> String {
        "batch-" + sha256Hex(Data(ids.joined(separator: ",").utf8)).prefix(32)
    }

    /// Formats a time the way the API writes it: ISO 8601, UTC, milliseconds, from the whole
    /// milliseconds the store keeps.
    public static func timestamp(_ date: Date) -> String {
        Timestamp.format(milliseconds: date.unixMilliseconds)
    }

    /// Encodes with ISO 8601 dates in UTC with milliseconds, keys sorted.
    public static func makeEncoder() -> JSONEncoder {
        KioskStore.makePayloadEncoder()
    }

    /// Decodes ISO 8601 dates with or without fractional seconds.
    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = Timestamp.parse(text) { return date }
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not an ISO 8601 date-time")
        }
        return decoder
    }
}
