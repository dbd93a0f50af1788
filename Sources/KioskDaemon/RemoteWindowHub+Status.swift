import Application
import KioskControl
import RemoteWindow

extension RemoteWindowHub {
    /// The hub's state for `kioskctl remote list`.
    public var status: RemoteWindowStatus {
        let (attached, consent, help) = withHub { ($0.attached, $0.consent, $0.waitingHelp) }
        let notice = consent.notice
        return RemoteWindowStatus(
            configured: true,
            operators: attached.map { .init(connection: $0.connection.rawValue, name: $0.operator.name, role: $0.operator.role.rawValue) },
            takeover: notice.state.rawValue, takeoverBy: notice.by,
            waitingHelp: help)
    }
}
extension RemoteWindowHub: RemoteWindowLink {}
