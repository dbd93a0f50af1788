/// What the remote window tells the citizen's session: a hall operator asks to take over, holds the
/// takeover, gives it back, or writes in the chat. The session decides what the citizen sees and
/// which keys answer; it never talks to the network itself.
public enum RemoteAssistanceEvent: Sendable, Equatable {
    /// An operator asks to drive the kiosk: show the consent prompt.
    case consentRequested(operator: String)
    /// The citizen said yes: show the remote-control banner until it ends.
    case takeoverStarted(operator: String)
    /// The takeover or the request ended (declined, withdrawn, given back, the operator left).
    case takeoverEnded
    /// A chat line from an operator, already cleaned of control characters.
    case chat(operator: String, text: String)
    /// The citizen's Help reached attached operators (true) or was queued for staff (false).
    case helpDelivered(toOperators: Bool)
    /// An operator asks the citizen to present their document for a remote identity check.
    case identityCheckRequested(operator: String)
}

/// What the session asks of the remote window.
public enum RemoteAssistanceAction: Sendable, Equatable {
    /// The citizen answered the consent prompt.
    case answerConsent(Bool)
    /// The citizen pressed the key that ends the takeover.
    case endTakeover
    /// The citizen sent a chat line.
    case sendChat(String)
}

/// The remote window as the session keeps it for this visit. The chat belongs to the visit and is
/// wiped with it; the takeover is ended by the remote window when the visit ends.
struct RemoteAssistance: Sendable, Equatable {
    struct ChatEntry: Sendable, Equatable {
        /// nil: the citizen.
        var operatorName: String?
        var text: String
    }

    /// The operator whose takeover request waits for the citizen's answer.
    var consentAskedBy: String?
    /// The operator driving the kiosk with the citizen's consent.
    var controlledBy: String?
    var chat: [ChatEntry] = []
    /// The citizen's reply being typed, while the reply box is open.
    var draft: String?
    /// What the Help screen says happened to the request.
    var helpReachedOperators: Bool?
    /// An operator asked for the citizen's document; cleared when one is presented.
    var identityCheckBy: String?

    /// Lines kept for the panel; older ones scroll away.
    static let maxChatLines = 50
    /// Longest reply a citizen can type.
    static let maxDraftCharacters = 200

    mutating func append(_ entry: ChatEntry) {
        chat.append(entry)
        if chat.count > Self.maxChatLines { chat.removeFirst(chat.count - Self.maxChatLines) }
    }

    /// What survives the end of a visit: nothing of the citizen; a takeover state the remote window
    /// will end by itself.
    func afterVisit() -> RemoteAssistance {
        RemoteAssistance(consentAskedBy: consentAskedBy, controlledBy: controlledBy)
    }
}
