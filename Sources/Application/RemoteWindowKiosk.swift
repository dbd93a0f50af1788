import DeviceKit
import Outbox
import RemoteWindow
import TerminalUI

/// What the remote window needs of the kiosk, and nothing more: its screens to mirror, a way to
/// hand the session keys and takeover events, the devices an operator may drive, the document of
/// the visit for an identity check, and the queue for Help requests and audit records. The hub
/// sees the kiosk through this, so the runtime and the hub do not reach into each other.
public protocol RemoteWindowKiosk: AnyObject, Sendable {
    var mirror: MirrorFeed { get }
    var renderer: ScreenRenderer { get }
    var devices: DeviceManager { get }
    var presentedIdentity: Identity? { get }
    var identityCheck: IdentityCheck { get }
    func send(_ input: RuntimeInput)
    func queueAssistRequest(_ help: HelpRequest)
    func enqueue<Payload: Encodable & Sendable>(_ type: OutboxItemType, _ payload: Payload)
}

extension KioskRuntime: RemoteWindowKiosk {}
