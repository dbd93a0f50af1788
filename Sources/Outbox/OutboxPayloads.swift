import Foundation

// What each outbox item carries, beside the API's wire types (PlatformAPI). The field names are the
// API's (docs/api/platform.yaml); every payload also carries `kioskId`, stamped once when it is
// encoded (KioskStore.encodePayload), so no payload type repeats it. Collections, submissions and
// assist requests may name the citizen and are sealed at rest (OutboxItemType.carriesPersonalData);
// ratings and alerts never do.

/// Who collected or applied, as the department's records need it. Personal data: the outbox seals
/// the payloads that carry it when a sealing key is configured.
public struct CitizenRecord: Codable, Sendable, Equatable {
    public var kind: String
    public var number: String
    public var name: String

    public init(kind: String, number: String, name: String) {
        self.kind = kind
        self.number = number
        self.name = name
    }
}

/// A certificate left the kiosk (`collection`).
public struct CollectionPayload: Codable, Sendable, Equatable {
    public var pickupId: String
    public var flow: String
    /// The document presented, when the citizen identified with one (not with a pickup code alone).
    public var collector: CitizenRecord?

    public init(pickupId: String, flow: String, collector: CitizenRecord?) {
        self.pickupId = pickupId
        self.flow = flow
        self.collector = collector
    }
}

/// A five-level rating of a service (`rating`, 好差评): 1 very satisfied … 5 very dissatisfied.
public struct RatingPayload: Codable, Sendable, Equatable {
    public static let levelNames = ["very-satisfied", "satisfied", "basically-satisfied", "dissatisfied", "very-dissatisfied"]
    public var flow: String
    public var level: Int
    public var levelName: String
    public var reason: String?

    /// `level` is 1…5; its name is the scale's.
    public init(flow: String, level: Int, reason: String?) {
        self.flow = flow
        self.level = level
        levelName = Self.levelNames[min(max(level, 1), Self.levelNames.count) - 1]
        self.reason = reason
    }
}

/// A citizen asked for help and no operator was attached to answer (`assist-request`).
public struct AssistPayload: Codable, Sendable, Equatable {
    public var flow: String
    public var step: String
    public var language: String

    public init(flow: String, step: String, language: String) {
        self.flow = flow
        self.step = step
        self.language = language
    }
}

/// A self-service application (`submission`); its scanned pages travel as one PDF attachment.
public struct SubmissionPayload: Codable, Sendable, Equatable {
    public var reference: String
    public var serviceId: String
    public var pages: Int
    public var identified: Bool
    public var applicant: CitizenRecord?

    public init(reference: String, serviceId: String, pages: Int, identified: Bool, applicant: CitizenRecord?) {
        self.reference = reference
        self.serviceId = serviceId
        self.pages = pages
        self.identified = identified
        self.applicant = applicant
    }
}

/// Something an operator must see that no device reports (`device-alert` with a code).
public struct AlertPayload: Codable, Sendable, Equatable {
    public var code: String
    public var detail: String

    public init(code: String, detail: String) {
        self.code = code
        self.detail = detail
    }
}

/// A device became unusable or recovered (`device-alert`).
public struct DeviceAlertPayload: Codable, Sendable, Equatable {
    public var deviceId: String
    public var role: String
    public var state: String
    public var reason: String?
    public var action: String

    public init(deviceId: String, role: String, state: String, reason: String?, action: String) {
        self.deviceId = deviceId
        self.role = role
        self.state = state
        self.reason = reason
        self.action = action
    }
}

extension KioskStore {
    /// An item's JSON as the platform receives it: the payload's own fields and `kioskId`, encoded
    /// by ``makePayloadEncoder()``.
    public static func encodePayload(
        _ payload: some Encodable & Sendable, type: OutboxItemType, kioskID: String
    ) throws(StoreError) -> Data {
        do {
            return try makePayloadEncoder().encode(KioskStamped(kioskId: kioskID, payload: payload))
        } catch {
            throw .payloadNotEncodable(type: type.rawValue, reason: String(describing: error))
        }
    }
}

/// A payload with the kiosk's id among its fields: one JSON object, not a nested one.
private struct KioskStamped<Payload: Encodable>: Encodable {
    var kioskId: String
    var payload: Payload

    private enum CodingKeys: String, CodingKey { case kioskId }

    func encode(to encoder: any Encoder) throws {
        try payload.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kioskId, forKey: .kioskId)
    }
}
