import ArgumentParser
import Foundation
import KioskControl

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show kioskctl's version and the running kioskd's.")
    @OptionGroup var connection: Connection
    @Flag(name: .long, help: "Print JSON for scripts.") var json = false

    func run() throws {
        let daemon = (try? ControlClient(path: connection.path).request(ControlRequest(command: .status)))?.status?.version
        if json {
            print(try prettyJSON(["kioskctl": KioskVersion.current, "kioskd": daemon ?? "unreachable"]))
        } else {
            print("kioskctl \(KioskVersion.current)")
            print("kioskd   \(daemon ?? "not reachable at \(connection.path)")")
        }
    }
}
