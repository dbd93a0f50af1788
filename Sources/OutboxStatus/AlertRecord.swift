import Foundation
import WireFormat

/// Something an operator must look at that no device reports, kept until it is cleared.
public struct AlertRecord: Sendable, Codable, Equatable {
    /// What kind of problem, e.g. `pickup-conflict`, `queue-over-cap`, `platform-refuses-token`.
    public var code: String
    /// What it is about (a pickup id), or empty.
    public var subject: String
    /// What happened and what to do, in words for an operator. Never personal data.
    public var detail: String
    public var raisedAt: Date

    public init(code: String, subject: String = "", detail: String, raisedAt: Date) {
        self.code = code
        self.subject = subject
        self.detail = detail
        self.raisedAt = raisedAt.wholeMilliseconds
    }
}
