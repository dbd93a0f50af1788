import DeviceKit
import Foundation
import ScreenModel

/// Everything that can happen to a session: input from the citizen, the passing of time, device
/// data and health, and the answers to the actions it asked for.
public enum SessionEvent: Sendable, Equatable {
    case key(Key)
    /// One second passed. The daemon sends these; tests send them by hand, so time is deterministic.
    case tick
    case identityPresented(Identity)
    case identityRemoved
    case identityReadFailed
    /// The answer to `.readDocument`: the passport's identity, or why it could not be read.
    case documentRead(Result<Identity, DeviceError>)
    /// Raw bytes from a code scanner: outside data, checked here before use.
    case codeScanned([UInt8])
    case pickupsFound([PickupSummary])
    case printFinished(PrintOutcome)
    case resultFound(ResultSummary?)
    case documentsScanned(Result<Int, DeviceError>)
    case submitted(reference: String)
    case deviceHealth(DeviceRole, DeviceHealth)
    /// Whether the platform is reachable; nil while unknown.
    case connectivity(Bool?)
    /// An operator paused or resumed the kiosk. A citizen being served finishes first.
    case paused(Bool)
    /// The remote window: a takeover request, its end, a chat line.
    case remote(RemoteAssistanceEvent)
}

/// What the session asks the daemon to do. The session never does I/O itself (after swift-nio's
/// state machines), so every path is testable without devices or a screen.
public enum SessionAction: Sendable, Equatable {
    /// Look up ready certificates; answer with `.pickupsFound`.
    case findPickups(PickupQuery)
    /// Print the certificate; answer with `.printFinished`. The pickup stays uncollected unless the
    /// job completes.
    case printCertificate(PickupSummary)
    /// Mark the pickup collected and queue the collection, in one transaction.
    case recordCollection(PickupSummary, flow: String)
    case printReceipt(Receipt)
    /// Queue an outcome for the platform.
    case record(SessionRecord)
    /// Read the passport on the identity reader with this access key; answer with `.documentRead`.
    /// The key is personal data: never log it (its description is masked).
    case readDocument(DocumentAccessKey)
    /// Look up a result code; answer with `.resultFound`.
    case lookupResult(code: String)
    /// Scan what is on the document scanner; answer with `.documentsScanned`.
    case scanDocuments
    /// Queue a submission; answer with `.submitted(reference:)`.
    case submit(Submission)
    case alertOperator(OperatorAlert)
    case flowStarted(flow: String)
    /// The session is over and its personal data is wiped; drop anything held for it.
    case sessionEnded(SessionEndReason)
    /// Tell the remote window what the citizen answered, ended or wrote.
    case remote(RemoteAssistanceAction)
}

public enum PickupQuery: Sendable, Equatable {
    case holder(Identity)
    case pickupCode(String)
}

/// A certificate that is ready to collect, as the session needs to know it.
public struct PickupSummary: Sendable, Equatable {
    public var id: String
    public var title: Localized
    public var department: Localized
    public init(id: String, title: Localized, department: Localized) {
        self.id = id
        self.title = title
        self.department = department
    }
}

public struct ResultSummary: Sendable, Equatable {
    public var code: String
    /// One of: accepted, in-review, approved, ready-for-pickup, rejected, collected.
    public var status: String
    public var title: Localized
    public var updatedAt: Date
    public init(code: String, status: String, title: Localized, updatedAt: Date) {
        self.code = code
        self.status = status
        self.title = title
        self.updatedAt = updatedAt
    }
}

/// What goes on a receipt, in both languages whatever the citizen's language.
public struct Receipt: Sendable, Equatable {
    public var title: Localized
    public var lines: [Localized]
    public var reference: String?
}

public struct Submission: Sendable, Equatable {
    public var serviceID: String
    public var pages: Int
    public var identified: Bool
    public init(serviceID: String, pages: Int, identified: Bool) {
        self.serviceID = serviceID
        self.pages = pages
        self.identified = identified
    }
}

/// An outcome queued for the platform. None of them carries personal data.
public enum SessionRecord: Sendable, Equatable {
    /// `level` 1 (非常满意, very satisfied) to 5 (非常不满意, very dissatisfied).
    case rating(flow: String, level: Int, reason: String?)
    case assistRequest(flow: String, step: String)
}

public struct OperatorAlert: Sendable, Equatable {
    public var code: String
    public var detail: String
}

public enum SessionEndReason: String, Sendable, Equatable {
    case finished, idleTimeout = "idle-timeout", cancelled, cardRemoved = "card-removed"
}

/// Settings a session needs from the kiosk's configuration.
public struct SessionSettings: Sendable, Equatable {
    public var defaultLanguage: Language
    /// Seconds without input before the countdown starts.
    public var idleSeconds: Int
    /// Length of the visible countdown.
    public var countdownSeconds: Int
    public var kioskID: String
    /// Extra text for the status line, e.g. the demo's simulator keys.
    public var statusHint: String

    public init(defaultLanguage: Language = .zhHans, idleSeconds: Int = 60, countdownSeconds: Int = 10,
                kioskID: String = "kiosk", statusHint: String = "") {
        self.defaultLanguage = defaultLanguage
        self.idleSeconds = idleSeconds
        self.countdownSeconds = countdownSeconds
        self.kioskID = kioskID
        self.statusHint = statusHint
    }
}
