/// A driver failure, mapped to its category so that a flow can tell the citizen something plain and
/// the operator can see what to do. Nobody sees a stack trace.
public struct DeviceError: Error, Sendable, Equatable, Codable, CustomStringConvertible {
    /// A stable machine-readable code, e.g. `media-empty`, `job-aborted`, `card-removed`.
    public var code: DeviceErrorCode
    public var action: RecommendedAction
    /// For the operator's log and `kioskctl`; never shown to a citizen and never holds personal data.
    public var detail: String

    public init(code: DeviceErrorCode, action: RecommendedAction, detail: String) {
        self.code = code
        self.action = action
        self.detail = detail
    }

    public var description: String { "\(code): \(detail) (action: \(action.rawValue))" }
}
