import Foundation
import WireFormat

/// Where an approval result stands, for "check progress by code" (扫码查询): a citizen scans the
/// unified code (统一赋码) printed on a result and the kiosk shows its status, even offline.
public struct ResultStatus: Sendable, Codable, Equatable, Identifiable {
    /// The unified code: a result's identity.
    public var id: String { code }

    /// A result's status as the platform names it.
    ///
    /// A string wrapper rather than a closed enum: the platform may add statuses, and a kiosk that
    /// has not been updated yet still stores and shows them.
    public struct Status: OpenWord {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// Received and waiting to be examined (已受理).
        public static let accepted = Status(rawValue: "accepted")
        /// Being examined (审核中).
        public static let inReview = Status(rawValue: "in-review")
        /// Approved (已批准).
        public static let approved = Status(rawValue: "approved")
        /// Issued and waiting at a window or kiosk (待领取).
        public static let readyForPickup = Status(rawValue: "ready-for-pickup")
        /// Not approved (不予批准).
        public static let rejected = Status(rawValue: "rejected")
        /// Collected by the holder (已领取).
        public static let collected = Status(rawValue: "collected")
    }

    /// The unified code printed on the result.
    public var code: String
    public var status: Status
    /// What the result is, e.g. 食品经营许可证 / Food business licence.
    public var titleZh: String
    public var titleEn: String
    /// When the platform last changed the status, to the millisecond.
    public var updatedAt: Date

    /// Creates a result status; `updatedAt` is rounded down to the millisecond, as the store keeps it.
    public init(code: String, status: Status, titleZh: String, titleEn: String, updatedAt: Date) {
        self.code = code
        self.status = status
        self.titleZh = titleZh
        self.titleEn = titleEn
        self.updatedAt = updatedAt.wholeMilliseconds
    }
}
