import ArgumentParser
import DeviceKit
import Foundation
import KioskControl

struct Devices: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the devices: health, what to do about it, counters (cards read, pages printed…), and paper and supplies.")

    @OptionGroup var kiosk: KioskQuery

    func run() throws {
        let response = try kiosk.connection.send(ControlRequest(command: .devices))
        // As `KioskQuery.show`: an answer without the list is a failure (exit 1).
        guard let devices = response.devices else { throw ExitCode.failure }
        if kiosk.json {
            print(try prettyJSON(devices))
            return
        }
        print(Self.table(devices))
        // The touch panel is the console's, not kioskd's: each attached console says how it is.
        for panel in response.touchPanels ?? [] { print("touch panel, \(panel)") }
    }

    static func table(_ devices: [DeviceSnapshot]) -> String {
        let header = ["ID", "CATEGORY", "DRIVER", "MODEL", "STATE", "REASON", "ACTION", "READ", "SCANNED", "PRINTED", "FAILED", "RESTARTS",
                      "PAPER AND SUPPLIES"]
        let rows = devices.map { device in
            [device.id, device.category.rawValue, device.driver, device.model, device.health.state.rawValue,
             device.health.reason?.rawValue ?? "-", device.health.action.rawValue, "\(device.counters.cardsRead)",
             "\(device.counters.codesScanned + device.counters.pagesScanned)", "\(device.counters.pagesPrinted)",
             "\(device.counters.jobsFailed + device.counters.readFailures)", "\(device.counters.restarts)",
             device.details?.summary ?? "-"]
        }
        return kioskctl.table(header, rows)
    }
}
