import DeviceKit
import Foundation
import OutboxStatus
import ScreenModel

/// The control socket's protocol: one JSON object per line each way. `kioskctl` speaks it; so can
/// any script (`socat - UNIX-CONNECT:/run/kiosk/kioskd.sock`). See docs/control-protocol.md.
public struct ControlRequest: Codable, Sendable, Equatable {
    public var command: ControlCommand
    /// For `device-test` and `device-reset`: the device's id. For `sim hang`: a device id or
    /// `session-loop` (for watchdog tests).
    public var device: String?
    /// For `sim`: what to do to the simulated devices.
    public var action: SimulatorCommand?
    /// For `sim insert-card`: the document to place; the sample resident ID card when absent.
    public var identity: Identity?
    /// For `sim scan`: the code's text.
    public var code: String?
    /// For `sim printer`: the fault to play, or `recover`.
    public var printer: SimulatedPrinterCommand?
    /// For `sim printer`: which printer; the certificate printer when absent.
    public var role: DeviceRole?
    /// For `console`: the viewer's terminal size.
    public var columns: Int?
    public var rows: Int?
    /// For `queue-list` and `queue-export`: only items in this state (`pending`, `in-flight`,
    /// `delivered`, `retry`, `dead`).
    public var state: String?
    /// For `queue-retry`: the dead item to send again; with `all` every dead item.
    public var id: String?
    public var all: Bool?
    /// For `queue-list` and `queue-export`: at most this many items. For `sim enqueue`: how many.
    public var count: Int?

    public init(command: ControlCommand, device: String? = nil, action: SimulatorCommand? = nil, identity: Identity? = nil,
                code: String? = nil, printer: SimulatedPrinterCommand? = nil, role: DeviceRole? = nil, columns: Int? = nil,
                rows: Int? = nil, state: String? = nil, id: String? = nil, all: Bool? = nil, count: Int? = nil) {
        self.command = command
        self.device = device
        self.action = action
        self.identity = identity
        self.code = code
        self.printer = printer
        self.role = role
        self.columns = columns
        self.rows = rows
        self.state = state
        self.id = id
        self.all = all
        self.count = count
    }
}

public struct ControlResponse: Codable, Sendable, Equatable {
    public var ok: Bool
    public var error: String?
    public var message: String?
    public var status: KioskStatus?
    public var devices: [DeviceSnapshot]?
    /// For `metrics`: the Prometheus text exposition.
    public var metrics: String?
    /// For `queue`, `queue-retry` and `queue-flush`: the counts after the command.
    public var queue: OutboxCounts?
    /// For `queue-list` and `queue-export`.
    public var items: [OutboxItemDetail]?
    /// For `queue-retry` and `sim enqueue`: how many items the command moved or queued.
    public var count: Int?
    /// For `remote`: the remote window's operators, takeover and waiting Help.
    public var remote: RemoteWindowStatus?
    /// For `devices`: the touch panel each attached console reads, as it reports it.
    public var touchPanels: [String]?

    public init(ok: Bool, error: String? = nil, message: String? = nil, status: KioskStatus? = nil,
                devices: [DeviceSnapshot]? = nil, metrics: String? = nil, queue: OutboxCounts? = nil,
                items: [OutboxItemDetail]? = nil, count: Int? = nil, remote: RemoteWindowStatus? = nil,
                touchPanels: [String]? = nil) {
        self.ok = ok
        self.error = error
        self.message = message
        self.status = status
        self.devices = devices
        self.metrics = metrics
        self.queue = queue
        self.items = items
        self.count = count
        self.remote = remote
        self.touchPanels = touchPanels
    }
}

/// After a `console` request the connection carries the screen one way and input the other.
public struct ConsoleMessage: Codable, Sendable, Equatable {
    /// Daemon → viewer: terminal bytes (a full frame first, then diffs).
    public var frame: String?
    /// Viewer → daemon: one decoded key.
    public var key: Key?
    /// Viewer → daemon: the viewer's terminal changed size.
    public var columns: Int?
    public var rows: Int?
    /// Viewer → daemon: the state of the touch panel the viewer reads, in words for an operator.
    public var touchPanel: String?

    public init(frame: String? = nil, key: Key? = nil, columns: Int? = nil, rows: Int? = nil, touchPanel: String? = nil) {
        self.frame = frame
        self.key = key
        self.columns = columns
        self.rows = rows
        self.touchPanel = touchPanel
    }
}

/// Where the control socket lives when nobody says: `/run/kiosk/kioskd.sock` under systemd, or a
/// per-user folder when `/run/kiosk` cannot be used (a demo run by a normal user).
public enum ControlSocket {
    public static let environmentVariable = "KIOSK_SOCKET"

    public static var candidates: [String] {
        var paths = ["/run/kiosk/kioskd.sock"]
        if let runtime = ProcessInfo.processInfo.environment["XDG_RUNTIME_DIR"], !runtime.isEmpty {
            paths.append("\(runtime)/kiosk/kioskd.sock")
        }
        paths.append("/tmp/kiosk-\(getuid())/kioskd.sock")
        return paths
    }

    /// The path a daemon should listen on: the first candidate whose folder exists or can be made.
    public static func pathToListen() -> String {
        for path in candidates {
            let folder = (path as NSString).deletingLastPathComponent
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o750])
            } catch { continue }
            if access(folder, W_OK) == 0 { return path }
        }
        return candidates.last!
    }

    /// The path a client should connect to: `--socket`, then `$KIOSK_SOCKET`, then the first
    /// candidate that exists.
    public static func pathToConnect(explicit: String?) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = ProcessInfo.processInfo.environment[environmentVariable], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0) } ?? candidates[0]
    }
}
