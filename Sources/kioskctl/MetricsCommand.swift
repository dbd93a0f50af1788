import ArgumentParser
import Foundation
import KioskControl

struct Metrics: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the kiosk's Prometheus metrics (text exposition format).")
    @OptionGroup var connection: Connection
    @Flag(name: .long, help: "Print the answer as JSON, the text in its `metrics` field.") var json = false
    func run() throws {
        let response = try connection.send(ControlRequest(command: .metrics))
        if json { print(try prettyJSON(response)) } else { print(response.metrics ?? "", terminator: "") }
    }
}
