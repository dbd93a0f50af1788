import ArgumentParser
import Foundation
import KioskControl

struct Devices: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the devices: health, what to do about it, counters (cards read, pages printed…), and paper and supplies.")

    @OptionGroup var connection: Connection
    @Flag(name: .long, help: "Print JSON for scripts.")
    var json = false

    func run() throws {
        let devices = try connection.send(ControlRequest(command: .devices)).devices ?? []
        if json {
            print(try prettyJSON(devices))
            return
        }
        let header = ["ID", "CATEGORY", "DRIVER", "MODEL", "STATE", "REASON", "ACTION", "READ", "SCANNED", "PRINTED", "FAILED", "RESTARTS",
                      "PAPER AND SUPPLIES"]
        let rows = devices.map { device in
            [device.id, device.category.rawValue, device.driver, device.model, device.health.state.rawValue,
             device.health.reason?.rawValue ?? "-", device.health.action.rawValue, "\(device.counters.cardsRead)",
             "\(device.counters.codesScanned + device.counters.pagesScanned)", "\(device.counters.pagesPrinted)",
             "\(device.counters.jobsFailed + device.counters.readFailures)", "\(device.counters.restarts)",
             device.details?.summary ?? "-"]
        }
        print(table(header, rows))
    }
}
