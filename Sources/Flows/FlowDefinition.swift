import DeviceKit
import ScreenModel
import YAMLData

/// One flow from `Kiosk/flows/*.yaml`: a graph of steps. What each kind of step does is code (the
/// vocabulary below); which steps a flow has, in what order, with which words, is data.
public struct FlowDefinition: Sendable, Equatable, Identifiable {
    public var id: String
    /// Text key of the flow's name, shown in the title bar and on the home menu.
    public var title: String
    /// Device roles the flow cannot run without. The home screen shows the flow as unavailable when
    /// one of them is unhealthy.
    public var requires: [DeviceRole]
    public var start: String
    public var steps: [String: FlowStep]
}

public struct FlowStep: Sendable, Equatable {
    public var id: String
    public var kind: StepKind
    /// Text key overriding the flow's title for this step.
    public var title: String?
    /// Text key of the step's main message (required for `message` and `confirm`).
    public var text: String?
    /// Where each outcome leads: a step of this flow, another flow's id, `end` or `return`.
    public var transitions: [Outcome: String]
    /// For `menu` steps.
    public var options: [MenuOption]
    /// For `identify` steps: what the citizen may identify with.
    public var accepts: Set<IdentifyMethod>
    /// How the step's text is shown: a failure is a warning, a done deed a success.
    public var tone: Screen.Paragraph.Style

    public func target(_ outcome: Outcome) -> String? { transitions[outcome] }
}

public struct MenuOption: Sendable, Equatable {
    /// Text key of the label.
    public var label: String
    public var target: String
}

public enum IdentifyMethod: String, Sendable, CaseIterable {
    case identityDocument = "identity-document"
    case pickupCode = "pickup-code"
    /// A passport or eMRTD ID card: its access key typed on the keypad or its MRZ scanned, then
    /// read from the chip (`SessionAction.readDocument`).
    case passport
}

/// What can happen at the end of a step.
public enum Outcome: String, Sendable, CaseIterable, Hashable {
    case identified, found, none, chosen, completed, failed, confirmed, done
    case `continue`, scan, submit
    /// The citizen's identity document left the reader while the step was showing.
    case cardRemoved = "card-removed"
}

/// The vocabulary of steps. Each kind knows its screen, the actions it asks for and its outcomes.
public enum StepKind: String, Sendable, CaseIterable {
    case menu
    /// Wait for an identity document, or a pickup code scanned or typed on the keypad, or a
    /// passport's details typed or its MRZ scanned.
    case identify
    /// Look up ready certificates for the identified citizen in the local cache.
    case findPickups = "find-pickups"
    /// Let the citizen choose when several certificates are ready; passes straight on with one.
    case choosePickup = "choose-pickup"
    /// Print the chosen certificate and wait for the job to end.
    case printCertificate = "print-certificate"
    /// Show a text and wait for the citizen to confirm.
    case confirm
    /// Offer a receipt and print it if asked.
    case offerReceipt = "offer-receipt"
    /// The five-level good/bad rating (好差评), with a reason for the lower two.
    case rate
    /// Show a text with a Continue button.
    case message
    /// Scan or type a result code and show its status from the local cache.
    case queryProgress = "query-progress"
    case chooseService = "choose-service"
    /// The chosen service's materials, fees and time limit.
    case checklist
    case scanDocuments = "scan-documents"
    /// Queue the submission and show its tracking number.
    case submit
    /// Queue an assist request for a staff member.
    case requestHelp = "request-help"

    /// Outcomes the step must say where they lead.
    var requiredOutcomes: Set<Outcome> {
        switch self {
        case .menu: []
        case .identify: [.identified]
        case .findPickups: [.found, .none]
        case .choosePickup: [.chosen]
        case .printCertificate: [.completed, .failed]
        case .confirm: [.confirmed]
        case .offerReceipt, .rate, .queryProgress, .scanDocuments, .submit, .requestHelp: [.done]
        case .message: [.continue]
        case .chooseService: [.chosen]
        case .checklist: [.submit]
        }
    }

    /// Outcomes the step may lead somewhere on, beyond the required ones.
    var optionalOutcomes: Set<Outcome> {
        self == .checklist ? [.scan, .cardRemoved] : [.cardRemoved]
    }

    /// Steps that wait on a device rather than on the citizen do not time out for idleness.
    var waitsOnDevice: Bool { self == .printCertificate || self == .findPickups }
}

/// Targets that are not steps.
public enum SpecialTarget {
    /// End the session: wipe it and go home.
    public static let end = "end"
    /// Go back to where the citizen was before this flow was entered (used by Help).
    public static let `return` = "return"
}
