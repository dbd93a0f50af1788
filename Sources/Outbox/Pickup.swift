import Foundation
import WireFormat

/// A certificate waiting for its holder at this kiosk (证照领取), as the platform's pickup manifest
/// describes it.
///
/// The kiosk never stores the holder's ID or document number, nor the pickup code: it stores a
/// salted hash of each and finds a pickup by hashing what the citizen presents the same way.
public struct Pickup: Sendable, Codable, Equatable, Identifiable {
    /// Whether a pickup can still be collected.
    public enum State: String, Sendable, Codable, CaseIterable {
        case ready
        case collected
    }

    /// The platform's id for this pickup.
    public var id: String
    /// A salted hash of the holder's ID or document number (or unified social credit code).
    public var holderKey: String
    /// A hash of the pickup code (取件码) sent to the holder, if one was sent.
    public var pickupCodeHash: String?
    /// The certificate's title, e.g. 营业执照 / Business licence.
    public var titleZh: String
    public var titleEn: String
    /// The issuing department.
    public var departmentZh: String
    public var departmentEn: String
    /// The unified code (统一赋码) of the approval result, if the platform sent one.
    public var resultCode: String?
    /// The SHA-256 (64 lower-case hex digits) of the document to print, if there is one.
    public var documentDigest: String?
    public var state: State
    /// When it was collected, to the millisecond.
    public var collectedAt: Date?
    /// When it stops being collectable here, to the millisecond; nil for never.
    public var expiresAt: Date?

    /// Creates a pickup value; dates are rounded down to the millisecond, as the store keeps them.
    public init(
        id: String, holderKey: String, pickupCodeHash: String? = nil,
        titleZh: String, titleEn: String, departmentZh: String, departmentEn: String,
        resultCode: String? = nil, documentDigest: String? = nil,
        state: State = .ready, collectedAt: Date? = nil, expiresAt: Date? = nil
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
        self.collectedAt = collectedAt?.wholeMilliseconds
        self.expiresAt = expiresAt?.wholeMilliseconds
    }

    /// Whether it can be collected at `now`: ready and not expired.
    public func isCollectable(at now: Date = .now) -> Bool {
        guard state == .ready else { return false }
        guard let expiresAt else { return true }
        return now < expiresAt
    }
}
