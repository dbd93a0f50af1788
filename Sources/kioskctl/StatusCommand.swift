import ArgumentParser
import Foundation
import KioskControl

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what the kiosk is doing, its devices' health and its queue. Never shows personal data.")

    @OptionGroup var kiosk: KioskQuery

    func run() throws {
        try kiosk.show(ControlRequest(command: .status), \.status, as: StatusTable.render)
    }
}

enum StatusTable {
    static func render(_ status: KioskStatus) -> String {
        var lines = [
            "kiosk     \(status.kioskID)  (kioskd \(status.version), up \(status.uptimeSeconds)s)",
            "state     \(status.state)  flow \(status.flow)  step \(status.step)  language \(status.language)",
            "platform  \(PlatformText.describe(status.platform))",
            "visits    \(status.visits) finished since start",
            "outbox    pending \(status.outbox.pending)  in-flight \(status.outbox.inFlight)  retry \(status.outbox.retry)  dead \(status.outbox.dead)  delivered \(status.outbox.delivered)"
                + (status.outbox.oldestPendingAgeSeconds.map { String(format: "  oldest %.0fs", $0) } ?? ""),
            "",
        ]
        let header = ["DEVICE", "ROLE", "MODEL", "DRIVER", "STATE", "REASON", "ACTION"]
        let rows = status.devices.map { device in
            [device.id, device.role.rawValue, device.model, device.driver, device.health.state.rawValue,
             device.health.reason?.rawValue ?? "-", device.health.action.rawValue]
        }
        lines.append(table(header, rows))
        if !status.alerts.isEmpty {
            lines.append("")
            lines.append(table(["ALERT", "SUBJECT", "SINCE", "WHAT TO DO"], status.alerts.map { alert in
                [alert.code, alert.subject.isEmpty ? "-" : alert.subject, PlatformText.time(alert.raisedAt), alert.detail]
            }))
        }
        return lines.joined(separator: "\n")
    }
}
