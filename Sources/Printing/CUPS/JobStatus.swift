/// A job as cupsd reports it (IPP Get-Job-Attributes, RFC 8011 §5.3.7).
public struct JobStatus: Sendable, Equatable {
    /// `job-state` (RFC 8011 §5.3.7).
    public enum State: Int32, Sendable, CustomStringConvertible {
        case pending = 3
        case pendingHeld = 4
        case processing = 5
        case processingStopped = 6
        case canceled = 7
        case aborted = 8
        case completed = 9

        /// Whether the job has ended and will not change again.
        public var isFinal: Bool { rawValue >= State.canceled.rawValue }

        public var description: String {
            switch self {
            case .pending: "pending"
            case .pendingHeld: "pending-held"
            case .processing: "processing"
            case .processingStopped: "processing-stopped"
            case .canceled: "canceled"
            case .aborted: "aborted"
            case .completed: "completed"
            }
        }
    }

    public var id: Int32
    public var state: State
    /// `job-state-reasons`, e.g. `job-completed-successfully`, `aborted-by-system`.
    public var reasons: [String]
}
