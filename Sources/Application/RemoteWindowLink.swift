import KioskControl
import RemoteWindow

/// The remote window as the session loop sees it: what the citizen asks of the operators and
/// answers them. The daemon's hub, which holds the operators' connections, implements it; the loop
/// knows no connection.
public protocol RemoteWindowLink: AnyObject, Sendable {
    /// Tells every attached operator, or queues it for the platform when none is attached; returns
    /// whether an operator got it.
    func citizenAskedForHelp(_ help: HelpRequest) -> Bool
    func citizenAnswered(granted: Bool)
    func citizenEndedTakeover()
    func citizenChat(_ text: String)
    /// Who is attached, the takeover and a waiting Help, for `kioskctl remote list`.
    var status: RemoteWindowStatus { get }
}
