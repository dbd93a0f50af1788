import Foundation
import ScreenModel

/// The remote window inside a visit: the consent prompt answers to 1 and 2, F12 ends a takeover at
/// any time, F3 opens the reply box of the chat panel. These keys come first, whoever presses them,
/// so the citizen can always take the kiosk back.
extension Session {
    /// The key that ends a takeover, shown on the banner.
    static let endTakeoverKey = Key.function(12)
    static let replyKey = Key.function(3)
    /// Ready answers for a citizen without a keyboard, on F5…F8 so that no digit typed into the
    /// reply picks one.
    static let quickReplies: [(key: Key, text: TextKey)] = [
        (.function(5), .remoteChatQuickOK), (.function(6), .remoteChatQuickAgain),
        (.function(7), .remoteChatQuickWait), (.function(8), .remoteChatQuickComeOver),
    ]

    mutating func handleRemote(_ event: RemoteAssistanceEvent) -> [SessionAction] {
        switch event {
        case .consentRequested(let name):
            remote.consentAskedBy = name
            remote.controlledBy = nil
        case .takeoverStarted(let name):
            remote.consentAskedBy = nil
            remote.controlledBy = name
        case .takeoverEnded:
            remote.consentAskedBy = nil
            remote.controlledBy = nil
        case .chat(let name, let text):
            remote.append(.init(operatorName: name, text: text))
        case .helpDelivered(let toOperators):
            remote.helpReachedOperators = toOperators
        case .identityCheckRequested(let name):
            remote.identityCheckBy = name
        }
        return []
    }

    /// Keys the remote window claims before the flow sees them; nil lets the flow have the key.
    mutating func remoteKey(_ key: Key) -> [SessionAction]? {
        if remote.consentAskedBy != nil {
            switch key {
            case .text("1"):
                remote.consentAskedBy = nil
                return [.remote(.answerConsent(true))]
            case .text("2"), .escape:
                remote.consentAskedBy = nil
                return [.remote(.answerConsent(false))]
            case .function(2):
                return nil
            default:
                // The question waits for its answer; nothing else happens meanwhile.
                return []
            }
        }
        if key == Self.endTakeoverKey, remote.controlledBy != nil {
            remote.controlledBy = nil
            return [.remote(.endTakeover)]
        }
        if let draft = remote.draft {
            switch key {
            case .enter:
                return sendReply(draft)
            case let quick where Self.quickReplies.contains { $0.key == quick }:
                let text = Self.quickReplies.first { $0.key == quick }.map { content.texts($0.text, language) } ?? ""
                return sendReply(text)
            case .escape:
                remote.draft = nil
            case .backspace:
                remote.draft = String(draft.dropLast())
            case .text(let typed):
                let printable = typed.unicodeScalars.allSatisfy { $0.value >= 0x20 && !(0x7F...0x9F).contains($0.value) }
                if printable, draft.count + typed.count <= RemoteAssistance.maxDraftCharacters {
                    remote.draft = draft + typed
                }
            case .function(2):
                return nil
            default:
                break
            }
            return []
        }
        if key == Self.replyKey, showsChatPanel {
            remote.draft = ""
            return []
        }
        return nil
    }

    private mutating func sendReply(_ draft: String) -> [SessionAction] {
        remote.draft = nil
        let text = draft.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return [] }
        remote.append(.init(operatorName: nil, text: text))
        return [.remote(.sendChat(text))]
    }

    /// The chat panel shows once an operator is involved: attached and chatting, asking, or driving.
    var showsChatPanel: Bool {
        !remote.chat.isEmpty || remote.controlledBy != nil || remote.draft != nil
    }
}
