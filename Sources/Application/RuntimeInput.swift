import DeviceKit
import Flows
import Outbox
import ScreenModel

/// Everything the kiosk's one session loop reacts to. Producers on any thread send these; the loop
/// takes them one at a time, so the session needs no locks.
public enum RuntimeInput: Sendable {
    /// A key from a viewer (a tap is resolved against the frame on screen first).
    case key(Key)
    case device(DeviceEvent)
    case tick
    /// The answer to an action, tagged with the visit it belongs to so a late answer cannot reach
    /// the next citizen.
    case answer(SessionEvent, visit: Int)
    case resize(columns: Int, rows: Int)
    /// An operator paused (true) or resumed the kiosk.
    case pause(Bool)
    /// New flows and texts, checked; applied at once when nobody is served, else when the visit ends.
    case reload(KioskContent)
    /// The platform link changed: true online, false offline, nil unknown or not configured.
    case connectivity(Bool?)
    /// The remote window: a takeover request or its end, an operator's chat line.
    case remote(RemoteAssistanceEvent)
    /// The tapped button's pressed look is over, unless a later tap (a higher number) came since.
    case releasePress(Int)
    /// Demo only (`kioskctl sim hang loop`): blocks the loop's thread, so an administrator trying the
    /// demo under systemd sees the watchdog's pings stop and kioskd restarted.
    case wedgeLoop
}

extension Key {
    /// For a tap or a touch: the cell pressed and the cell let go (the same for a mouse click).
    var pointedCells: (column: Int, row: Int, release: (column: Int, row: Int))? {
        switch self {
        case .tap(let column, let row): (column, row, (column, row))
        case .touch(let column, let row, let releaseColumn, let releaseRow): (column, row, (releaseColumn, releaseRow))
        default: nil
        }
    }
}
